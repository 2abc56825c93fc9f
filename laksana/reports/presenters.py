"""What the report pages show: services' figures turned into rows, links and charts."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laksana.agencies.models import Agency
from laksana.regions.models import Region

from . import charts, density, services
from .drill import drill
from .models import FIELD_DURATIONS
from .periods import Period
from .services import STAGE_LABELS, Scope


def minutes_text(minutes: int | None) -> str:
    """Working minutes as people say them: "45 mnt", "3,5 jam"."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return _("%(n)s mnt") % {"n": minutes}
    return _("%(n)s jam") % {"n": f"{minutes / 60:.1f}".replace(".", ",")}


def share_text(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def rating_text(rating: float | None) -> str:
    return "–" if rating is None else f"{rating:.2f}".replace(".", ",")


def change_text(now: int, before: int) -> str:
    if not before:
        return "–"
    return f"{(now - before) / before * 100:+.0f}%"


def _cell(value, href: str = "") -> dict:
    return {"text": str(value), "href": href}


# Only the command center receives, verifies and rejects: its row's figures of those are the
# region's, so their drill-down needs no agency filter.
COMMAND_CENTER_DRILLS = ("received", "verified", "rejected")


def figures_cells(figures: services.Figures) -> dict:
    return {
        "ack_median": minutes_text(figures.median("ack_minutes")),
        "ack_p90": minutes_text(figures.p90("ack_minutes")),
        "response_median": minutes_text(figures.median("response_minutes")),
        "response_p90": minutes_text(figures.p90("response_minutes")),
        "resolve_median": minutes_text(figures.median("resolve_minutes")),
        "resolve_p90": minutes_text(figures.p90("resolve_minutes")),
        "field": [
            (minutes_text(figures.median(name)), minutes_text(figures.p90(name)))
            for name in FIELD_DURATIONS
        ],
        "field_tasks": figures.count("start_minutes"),
        "stages": [share_text(figures.within_share(s)) for s in STAGE_LABELS],
        "reopen_rate": share_text(figures.reopen_rate),
        "rating": rating_text(figures.rating),
        "ratings": figures["ratings"],
    }


def performance(scope: Scope, period: Period) -> dict:
    region = scope.region
    rows = []
    performance_rows = services.agency_performance(scope, period)
    for row in performance_rows:
        f = row.figures
        filters = {"agency": row.code} if row.code else {}

        def link(measure, value, filters=filters, code=row.code):
            if not code and measure not in COMMAND_CENTER_DRILLS:
                return _cell(value)  # the command center's own row: no agency filter to show
            return _cell(value, drill(region, period, measure, **filters))

        rows.append(
            {
                "name": row.name,
                "code": row.code,
                "received": link("received", f["received"]),
                "verified": link("verified", f["verified"]),
                "disposed": link("disposed", f["disposed"]),
                "accepted": link("accepted", f["accepted"]),
                "resolved": link("resolved", f["resolved"]),
                "open": link("open", row.open_now),
                "overdue": link("overdue", row.overdue_now),
                "returned": link("returned", f["returned"]),
                "forwarded": _cell(f["forwarded"]),
                "reopened": link("reopened", f["reopened"]),
                **figures_cells(f),
            }
        )
        r = rows[-1]
        r["cells"] = [r[k] for k in ("received", "disposed", "accepted", "resolved", "open")]
        r["cells"].append(r["overdue"])
    total = services.Figures()  # the rows' sum: the same rows, read once
    for row in performance_rows:
        total.merge(row.figures)
    agency_rows = [r for r in rows if r["code"]]
    received_chart = charts.bars(
        "chart-disposed",
        _("Disposisi diterima per OPD"),
        [
            (r["name"], int(r["disposed"]["text"]), r["disposed"]["text"], r["disposed"]["href"])
            for r in agency_rows[:15]
        ],
    )
    respond_chart = charts.bars(
        "chart-respond",
        _("Tanggapan pertama tepat waktu per OPD"),
        [
            (r["name"], _share_value(r["stages"][2]), r["stages"][2], "")
            for r in agency_rows[:15]
            if r["stages"][2] != "–"
        ],
        unit="%",
    )
    return {
        "period": period,
        "rows": rows,
        "total": {
            "received": _cell(total["received"], drill(region, period, "received")),
            "resolved": _cell(total["resolved"], drill(region, period, "resolved")),
            "open": _cell(sum(r.open_now for r in performance_rows)),
            "rated": total["ratings"],
            **figures_cells(total),
        },
        "stage_labels": list(STAGE_LABELS.values()),
        "field_rows": [r for r in rows if any(m != "–" for m, _p in r["field"])],
        "charts": [received_chart, respond_chart],
    }


def _lines(series) -> list[charts.Line]:
    received = [v["received"] for _d, v in series]
    resolved = [v["resolved"] for _d, v in series]
    return [
        charts.Line(pgettext("laporan", "Masuk"), "received", received),
        charts.Line(pgettext("laporan", "Selesai"), "resolved", resolved),
    ]


def _share_value(text: str) -> float:
    return float(text.rstrip("%")) if text.endswith("%") else 0.0


def trends(scope: Scope, period: Period, *, by: str = "week") -> dict:
    region = scope.region
    series = services.trend(scope, period, by=by)
    labels = [_bucket_label(day, by) for day, _v in series]
    chart = charts.SeriesChart(
        "chart-trend",
        _("Laporan masuk dan selesai"),
        labels,
        _lines(series),
    )
    sections = []
    filter_key = {"category": "category", "kecamatan": "kecamatan", "kelurahan": "kelurahan"}
    filter_key.update(channel="channel", kind="kind")
    dimensions = ("category", "kecamatan", "channel", "kind")
    for dimension, rows in services.breakdowns(scope, period, dimensions, limit=15).items():
        items = []
        for row in rows:
            filters = {filter_key[dimension]: row.key} if row.key else {}
            items.append(
                {
                    "label": row.label,
                    "received": _cell(
                        row.counts["received"], drill(region, period, "received", **filters)
                    ),
                    "resolved": _cell(
                        row.counts["resolved"], drill(region, period, "resolved", **filters)
                    ),
                    "previous": row.previous,
                    "previous_change": change_text(row.counts["received"], row.previous),
                    "year_before": row.year_before,
                    "year_change": change_text(row.counts["received"], row.year_before),
                }
            )
        bars = charts.bars(
            f"chart-{dimension}",
            str(services.DIMENSIONS[dimension]),
            [(i["label"], int(i["received"]["text"]), i["received"]["text"], "") for i in items],
        )
        sections.append({"id": dimension, "title": services.DIMENSIONS[dimension], "rows": items})
        sections[-1]["chart"] = bars
    previous, year = period.previous(), period.year_before()
    now_total = services.received_total(scope, period)
    grid = density.read_grid(scope, period)  # the map's, hot spots' and matrix's counts
    return {
        "period": period,
        "by": by,
        "chart": chart,
        "sections": sections,
        "matrix": services.category_by_kelurahan(
            scope, period, received=grid.current() if grid.measure == "received" else None
        ),
        "map": density.density_map(scope, period, grid=grid),
        "hot_spots": density.hot_spots(scope, period, grid=grid),
        "hot_rule": HOT_RULE,
        "hot_too_long": period.days > density.HOT_MAX_DAYS,
        "comparison": {
            "now": now_total,
            "previous": services.received_total(scope, previous),
            "previous_period": previous,
            "year": services.received_total(scope, year),
            "year_period": year,
        },
    }


HOT_RULE = {
    "min": density.HOT_MIN,
    "factor": density.HOT_FACTOR,
    "history": density.HOT_HISTORY,
    "max_days": density.HOT_MAX_DAYS,
}


def _bucket_label(day, by: str) -> str:
    if by == "month":
        return f"{day:%m-%Y}"
    return f"{day:%d-%m}"


def transparency(region: Region, period: Period) -> dict:
    """The public page: published complaints only, no personal data, no staff links."""
    scope = Scope.public(region)
    total = services.totals(scope, period, durations=("resolve_minutes",))
    categories = services.breakdown(scope, period, "category", limit=10)
    kecamatan = services.breakdown(scope, period, "kecamatan")
    stages = total.within_share("respond")
    return {
        "period": period,
        "received": total["received"],
        "resolved": total["resolved"],
        "respond_within": share_text(stages),
        "resolve_within": share_text(total.within_share("resolve")),
        "resolve_median": minutes_text(total.median("resolve_minutes")),
        "rating": rating_text(total.rating),
        "ratings": total["ratings"],
        "categories": categories,
        "kecamatan": kecamatan,
        "agencies": public_agencies(region, period),
        "map": density.density_map(scope, period, id="map-public", links=False),
        "category_chart": charts.bars(
            "chart-public-categories",
            _("Kategori terbanyak"),
            [(r.label, r.counts["received"], str(r.counts["received"]), "") for r in categories],
        ),
        "kecamatan_chart": charts.bars(
            "chart-public-kecamatan",
            _("Laporan per kecamatan"),
            [(r.label, r.counts["received"], str(r.counts["received"]), "") for r in kecamatan],
        ),
    }


def public_agencies(region: Region, period: Period) -> list[dict]:
    """The region page's list of agencies: their public figures, linking to their own page."""
    by_agency = services.figures_by_agency(Scope.public(region), period, durations=())
    agencies = Agency.objects.filter(region=region).in_bulk([a for a in by_agency if a])
    found = [
        {
            "agency": agencies[a],
            "disposed": f["disposed"],
            "resolved": f["resolved"],
            "respond_within": share_text(f.within_share("respond")),
        }
        for a, f in by_agency.items()
        if a in agencies and (f["disposed"] or f["resolved"])
    ]
    return sorted(found, key=lambda r: (-r["disposed"], r["agency"].short_name))


def agency_transparency(region: Region, agency, period: Period) -> dict:
    """One agency's public page: the staff report's figures for its public complaints."""
    scope = Scope(region, agency_ids=(agency.pk,), published_only=True)
    total = services.totals(scope, period)
    categories = services.agency_breakdown(scope, period, "category")
    kecamatan = services.agency_breakdown(scope, period, "kecamatan")
    cells = figures_cells(total)
    return {
        "period": period,
        "agency": agency,
        "total": total,
        "figures": {
            "disposed": total["disposed"],
            "accepted": total["accepted"],
            "resolved": total["resolved"],
            "returned": total["returned"],
            "forwarded": total["forwarded"],
            "reopened": total["reopened"],
            **cells,
        },
        # The agency's stages (verification is the command center's).
        "stages": list(zip(list(STAGE_LABELS.values())[1:], cells["stages"][1:], strict=True)),
        "categories": categories,
        "kecamatan": kecamatan,
        "map": density.density_map(scope, period, id="map-agency", links=False),
        "category_chart": charts.bars(
            "chart-agency-categories",
            _("Disposisi diterima per kategori"),
            [(r.label, r.counts["disposed"], str(r.counts["disposed"]), "") for r in categories],
        ),
    }


# ---------------------------------------------------------------------------------------------
# Leaders' home (issue 18, item 6)

ALERT_DROP = 0.15  # a drop of this share (15 points) of stages within deadline, week on week
ALERT_MIN_STAGES = 5  # ... over at least this many stages ended this week


def home(scope: Scope, today) -> dict:
    """This week (the last 7 days) against the week before: the few numbers that matter, a
    daily series, and an alert per agency whose share of first responses within deadline fell."""
    week = Period.last_days(today, 7)
    before = week.previous()
    # Each week's aggregate rows are read once, per agency, with only the durations shown (this
    # week's resolve times); the totals are their sum.
    now_by, then_by = (
        services.figures_by_agency(scope, week, durations=("resolve_minutes",)),
        services.figures_by_agency(scope, before, durations=()),
    )
    now, then = services.merged(now_by.values()), services.merged(then_by.values())
    region = scope.region
    tiles = [
        (_("laporan masuk"), now["received"], then["received"], drill(region, week, "received")),
        (
            _("selesai ditangani"),
            now["resolved"],
            then["resolved"],
            drill(region, week, "resolved"),
        ),
    ]
    ids = {i for i in (*now_by, *then_by) if i}
    if scope.agency_ids is not None:
        ids &= set(scope.agency_ids)
    agencies = Agency.objects.only("code", "short_name").in_bulk(ids)
    this_week, last_week = _respond_shares(now_by, agencies), _respond_shares(then_by, agencies)
    alerts = []
    for agency_id, (share, ended, name, code) in this_week.items():
        earlier = last_week.get(agency_id)
        if earlier is None or ended < ALERT_MIN_STAGES:
            continue
        if earlier[0] - share >= ALERT_DROP:
            alerts.append(
                {
                    "name": name,
                    "now": share_text(share),
                    "before": share_text(earlier[0]),
                    "href": drill(region, None, "overdue", agency=code),
                }
            )
    series = services.trend(scope, Period.last_days(today, 28), by="day")
    chart = charts.SeriesChart(
        "chart-home",
        _("Laporan masuk dan selesai, 4 minggu terakhir"),
        [f"{d:%d-%m}" for d, _v in series],
        _lines(series),
    )
    return {
        "week": week,
        "tiles": [
            {"label": label, "now": n, "change": change_text(n, b), "href": href}
            for label, n, b, href in tiles
        ],
        "respond_within": share_text(now.within_share("respond")),
        "respond_within_before": share_text(then.within_share("respond")),
        "resolve_median": minutes_text(now.median("resolve_minutes")),
        "rating": rating_text(now.rating),
        "alerts": alerts,
        "chart": chart,
    }


def _respond_shares(by_agency: dict, agencies: dict) -> dict:
    """{agency id: (share of first responses within deadline, responses, name, code)} of the
    agencies with a response in the figures, busiest first as on the performance page (the
    open and overdue counts that page reads are not needed here)."""
    found = []
    for agency_id, f in by_agency.items():
        agency = agencies.get(agency_id)
        share = f.within_share("respond")
        if agency is None or share is None:
            continue
        entry = (share, f["respond_within"] + f["respond_over"], agency.short_name, agency.code)
        found.append((-(f["received"] + f["disposed"]), agency.short_name, agency_id, entry))
    return {agency_id: entry for *_order, agency_id, entry in sorted(found)}
