"""Device drivers behind one small interface (:mod:`app.drivers.base`): ``sim`` and ``mqtt``.

:func:`controlled_devices` says which devices a driver choice drives; the runner builds the
driver itself (see :mod:`app.cli.run`).
"""

from __future__ import annotations

from tools.home import DriverName, Home


def controlled_devices(home: Home, driver: DriverName) -> set[str]:
    """Ids of the devices driven by ``driver`` (the section's per-device choices)."""
    return {d.id for d in home.devices() if home.integration.driver_for(d.id) == driver}
