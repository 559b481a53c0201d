"""The tariff section: import and export prices (flat, time-of-use, series), demand charge, CO2."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, field_validator, model_validator

from tools.home.clock import ClockTime, DailyWindow, Frozen, check_no_overlap


class TouBand(Frozen):
    """A price that applies from ``start`` to ``end`` local time."""

    start: ClockTime
    end: ClockTime
    price_per_kwh: float = Field(ge=-10, le=10, description="Energy price [currency/kWh].")

    @model_validator(mode="after")
    def _check(self) -> TouBand:
        DailyWindow(start=self.start, end=self.end)
        return self

    def window(self) -> DailyWindow:
        return DailyWindow(start=self.start, end=self.end)


class TouRule(Frozen):
    """Bands for some months and day types; together a rule's bands must cover the whole day."""

    name: str = Field(default="all year", description="Label, e.g. 'summer'.")
    months: tuple[int, ...] = Field(default=tuple(range(1, 13)), min_length=1)
    days: Literal["all", "weekdays", "weekends"] = "all"
    bands: tuple[TouBand, ...] = Field(min_length=1)

    @field_validator("months")
    @classmethod
    def _months(cls, months: tuple[int, ...]) -> tuple[int, ...]:
        for m in months:
            if not 1 <= m <= 12:
                raise ValueError(f"months must be 1..12, got {m}")
        return months

    @model_validator(mode="after")
    def _cover(self) -> TouRule:
        windows = tuple(b.window() for b in self.bands)
        check_no_overlap(windows, "bands")
        covered = sum(hi - lo for w in windows for lo, hi in w.minute_ranges())
        if covered != 1440:
            raise ValueError(f"bands cover {covered / 60:g} h of the day; they must cover all 24 h")
        return self


class FlatPrice(Frozen):
    type: Literal["flat"]
    price_per_kwh: float = Field(ge=-10, le=10, description="Energy price [currency/kWh].")


class TouPrice(Frozen):
    """Time-of-use prices; for each day the first rule whose months and day type match applies."""

    type: Literal["tou"]
    rules: tuple[TouRule, ...] = Field(min_length=1)


class SeriesPrice(Frozen):
    """Dynamic prices from a file or inline, retail price = (value + markup) × vat_factor.

    With ``repeat_daily`` the series is one local day used as a time-of-day profile for every day
    of the horizon (e.g. a published day-ahead curve used as a typical day).
    """

    type: Literal["series"]
    file: str | None = Field(
        default=None, description="CSV/JSON series, relative to the home file."
    )
    value_column: str | None = None
    start: AwareDatetime | None = Field(default=None, description="Start of inline prices.")
    step_minutes: int | None = Field(default=None, gt=0, le=1440)
    prices_per_kwh: tuple[float, ...] | None = Field(default=None, min_length=1)
    repeat_daily: bool = False
    markup_per_kwh: float = Field(
        default=0.0, ge=-10, le=10, description="Added per kWh [currency/kWh]."
    )
    vat_factor: float = Field(
        default=1.0, ge=1.0, le=2.0, description="Multiplier, e.g. 1.19 for 19% VAT."
    )

    @model_validator(mode="after")
    def _source(self) -> SeriesPrice:
        inline = self.prices_per_kwh is not None
        if inline == (self.file is not None):
            raise ValueError(
                "give either 'file' or inline 'prices_per_kwh' (with start and step_minutes)"
            )
        if inline and (self.start is None or self.step_minutes is None):
            raise ValueError("inline 'prices_per_kwh' need 'start' and 'step_minutes'")
        return self


FallbackPriceSpec = Annotated[FlatPrice | TouPrice | SeriesPrice, Field(discriminator="type")]


class MarketPrice(Frozen):
    """Prices fetched from a provider; retail = (market + markup + grid fees) × vat_factor.

    The market price comes from the provider at plan time (``app/providers/``); the home file
    says what the household pays on top. ``fallback`` (a flat price, a TOU table or a series)
    is used when the provider cannot be reached and no cached prices cover the plan; without it
    such a plan stops with an error that says so.
    """

    markup_per_kwh: float = Field(
        default=0.0, ge=-10, le=10, description="Supplier's margin added per kWh [currency/kWh]."
    )
    grid_fees_per_kwh: float = Field(
        default=0.0, ge=0, le=10,
        description="Network charges, levies and taxes added per kWh before VAT [currency/kWh].",
    )
    vat_factor: float = Field(
        default=1.0, ge=1.0, le=2.0, description="Multiplier, e.g. 1.19 for 19% VAT."
    )
    fallback: FallbackPriceSpec | None = Field(
        default=None, description="Prices used when the provider cannot be reached."
    )


class EntsoePrice(MarketPrice):
    """Day-ahead prices of one bidding zone from the ENTSO-E transparency platform [EUR/MWh].

    The homeowner's security token is read from the environment variable ``token_env`` at plan
    time; the home file never holds the token itself.
    """

    type: Literal["entsoe"]
    bidding_zone: str = Field(
        pattern=r"^[A-Z]{2}(_[A-Z0-9]+)*$",
        description="entsoe-py area code of the bidding zone, e.g. DE_LU, AT, NL, FR.",
    )
    token_env: str = Field(
        default="ENTSOE_API_KEY", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable that holds the ENTSO-E security token.",
    )


class AwattarPrice(MarketPrice):
    """aWATTar day-ahead market data (Germany or Austria) [EUR/MWh], no token needed."""

    type: Literal["awattar"]
    country: Literal["de", "at"] = Field(default="de", description="aWATTar market: de or at.")


class OctopusPrice(MarketPrice):
    """Octopus Energy (UK) unit rates of one product and region, in pence/kWh incl. VAT.

    Agile rates already contain network charges and VAT, so ``markup_per_kwh`` and
    ``grid_fees_per_kwh`` default to 0 and ``vat_factor`` to 1. Export products (e.g.
    ``AGILE-OUTGOING-19-05-13``) work the same way under ``tariff.export``.
    """

    type: Literal["octopus"]
    product_code: str = Field(
        pattern=r"^[A-Z0-9-]+$", description="Octopus product code, e.g. AGILE-24-10-01."
    )
    region: str = Field(
        pattern=r"^[A-HJ-NP]$",
        description="Grid supply point group letter A–P (e.g. C for London), without I and O.",
    )

    @property
    def tariff_code(self) -> str:
        """The single-register electricity tariff code, ``E-1R-<product>-<region>``."""
        return f"E-1R-{self.product_code}-{self.region}"


ProviderPrice = EntsoePrice | AwattarPrice | OctopusPrice

PriceSpec = Annotated[
    FlatPrice | TouPrice | SeriesPrice | EntsoePrice | AwattarPrice | OctopusPrice,
    Field(discriminator="type"),
]

#: Currency each provider quotes in; the tariff's currency must match.
PROVIDER_CURRENCY = {"entsoe": "EUR", "awattar": "EUR", "octopus": "GBP"}


class Co2Series(Frozen):
    """Grid carbon intensity [gCO2/kWh] as a series (file or inline), optionally a daily profile."""

    file: str | None = None
    value_column: str | None = None
    start: AwareDatetime | None = None
    step_minutes: int | None = Field(default=None, gt=0, le=1440)
    g_per_kwh: tuple[float, ...] | None = Field(default=None, min_length=1)
    repeat_daily: bool = False

    @model_validator(mode="after")
    def _source(self) -> Co2Series:
        inline = self.g_per_kwh is not None
        if inline == (self.file is not None):
            raise ValueError(
                "give either 'file' or inline 'g_per_kwh' (with start and step_minutes)"
            )
        if inline and (self.start is None or self.step_minutes is None):
            raise ValueError("inline 'g_per_kwh' need 'start' and 'step_minutes'")
        return self


class Tariff(Frozen):
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")
    import_price: PriceSpec = Field(alias="import", description="Import energy price.")
    export_price: PriceSpec = Field(
        default=FlatPrice(type="flat", price_per_kwh=0.0),
        alias="export",
        description="Export (feed-in) price.",
    )
    demand_charge_per_kw: float = Field(
        default=0.0, ge=0, description="Charge per kW of the horizon's peak import [currency/kW]."
    )
    co2: Co2Series | None = None
    co2_price_per_kg: float = Field(
        default=0.0, ge=0, description="Weight of CO2 in the objective [currency/kg]."
    )

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )

    @model_validator(mode="after")
    def _provider_currency(self) -> Tariff:
        for side, spec in (("import", self.import_price), ("export", self.export_price)):
            expected = PROVIDER_CURRENCY.get(spec.type)
            if expected is not None and expected != self.currency:
                raise ValueError(
                    f"{side}: {spec.type} prices are in {expected}, but the tariff's currency "
                    f"is {self.currency}"
                )
        return self
