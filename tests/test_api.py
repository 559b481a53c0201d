"""The HTTP API: token roles, live state in planning, proposals never applied, approval by the
homeowner's token only, and the token file kept private."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from runner_helpers import NOW, example_home

from app.api.server import create_app
from app.api.tokens import TokenStore
from app.drivers.base import Reading
from app.runner.journal import Journal
from app.store import PlanStore
from tools.errors import InputError

REQUEST = {
    "device": "ev",
    "kind": "ev_charge",
    "target_soc_pct": 80,
    "deadline": "2026-11-25T07:00:00+01:00",
}


@pytest.fixture
def api(tmp_path: Path):
    home = example_home()
    store = PlanStore(tmp_path / "plans.sqlite3")
    journal = Journal(store.path)
    tokens = TokenStore(tmp_path / "api-tokens.json")
    owner, client = tokens.create("homeowner"), tokens.create("client", "a home automation agent")
    app = create_app(home, store, journal, tokens, lambda: NOW)
    return TestClient(app), store, journal, owner, client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_call_needs_a_valid_token(api) -> None:
    http, *_ = api
    assert http.get("/api/plan").status_code == 401
    assert http.get("/api/plan", headers=_auth("not-a-token")).status_code == 401
    assert http.post("/api/requests", json={"requests": [REQUEST]}).status_code == 401


def test_a_client_proposes_from_live_state_but_cannot_approve(api) -> None:
    """The car reports 60 % (fresh): 80 % of 60 kWh from 60 % is 12 kWh stored, 13.3 kWh from
    the grid at η 0.9 — not the 30 kWh the home file's 35 % would need."""
    http, store, journal, owner, client = api
    journal.save_readings(
        {
            "ev": {
                "soc_pct": Reading(
                    value=60.0, read_at=NOW - timedelta(minutes=2), source="mqtt:home/ev/soc_pct"
                )
            }
        }
    )
    answer = http.post("/api/requests", json={"requests": [REQUEST]}, headers=_auth(client))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "proposed" and body["store_id"] is not None
    ev_energy = sum(run["energy_kwh"] for run in body["plan"]["runs"] if run["device"] == "ev")
    assert ev_energy == pytest.approx(12 / 0.9, abs=0.01)
    assert body["live"]["sources"]["ev_soc"]["source"] == "live: mqtt:home/ev/soc_pct"
    assert store.get(body["store_id"]).status == "proposed"
    assert store.active_id() is None  # proposed, never applied

    refused = http.post(f"/api/plans/{body['store_id']}/approve", headers=_auth(client))
    assert refused.status_code == 403
    assert store.active_id() is None
    approved = http.post(f"/api/plans/{body['store_id']}/approve", headers=_auth(owner))
    assert approved.status_code == 200
    assert store.active_id() == body["store_id"]
    active = http.get("/api/plan", headers=_auth(client)).json()
    assert active["id"] == body["store_id"] and active["approved_by"] == "homeowner (API)"


def test_a_stale_reading_is_not_used_and_says_so(api) -> None:
    http, _, journal, _, client = api
    journal.save_readings(
        {
            "ev": {
                "soc_pct": Reading(
                    value=60.0, read_at=NOW - timedelta(hours=2), source="mqtt:home/ev/soc_pct"
                )
            }
        }
    )
    body = http.post("/api/requests", json={"requests": [REQUEST]}, headers=_auth(client)).json()
    ev_energy = sum(run["energy_kwh"] for run in body["plan"]["runs"] if run["device"] == "ev")
    assert ev_energy == pytest.approx(27 / 0.9, abs=0.01)  # from the home file's 35 %
    source = body["live"]["sources"]["ev_soc"]
    assert source["source"] == "home file"
    assert "120 min old (limit 15 min)" in source["note"]
    state = http.get("/api/state", headers=_auth(client)).json()
    assert state["readings"]["ev"]["soc_pct"]["stale"] is True


def test_bad_requests_name_the_field(api) -> None:
    http, *_, client = api
    unknown = http.post(
        "/api/requests",
        headers=_auth(client),
        json={
            "requests": [
                {"device": "van", "kind": "ev_charge", "deadline": "2026-11-25T07:00:00+01:00"}
            ]
        },
    )
    assert unknown.status_code == 400 and "unknown device 'van'" in unknown.json()["detail"]
    naive = http.post(
        "/api/requests",
        headers=_auth(client),
        json={
            "requests": [{"device": "ev", "kind": "ev_charge", "deadline": "2026-11-25T07:00:00"}]
        },
    )
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"][-1] == "deadline"


def test_the_token_file_is_private_and_holds_no_token(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "api-tokens.json")
    token = tokens.create("homeowner")
    assert stat.S_IMODE(os.stat(tokens.path).st_mode) == 0o600
    assert token not in tokens.path.read_text()
    assert tokens.role_of(token) == "homeowner"
    os.chmod(tokens.path, 0o644)
    with pytest.raises(InputError, match="readable by others"):
        tokens.role_of(token)
