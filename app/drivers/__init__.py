"""Device drivers behind one small interface (:mod:`app.drivers.base`): ``sim`` and ``mqtt``.

:func:`controlled_devices` says which devices a driver choice drives; the runner builds the
driver itself (see :mod:`app.cli.run`).
"""

from __future__ import annotations

from tools.home import DriverName, Home


def controlled_devices(
    home: Home, driver: DriverName, *, default: DriverName | None = None
) -> set[str]:
    """Ids of the devices driven by ``driver``: each device's own choice in the integration
    section, else ``default`` (else the section's default driver)."""
    fallback = default or home.integration.driver
    return {
        d.id for d in home.drivable_devices() if (home.integration.link(d.id).driver or fallback) == driver
    }
