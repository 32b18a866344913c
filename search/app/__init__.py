"""The application layer: the ``disco`` command line, discovery campaigns and their reports.

- :mod:`search.app.cli`: the ``disco`` CLI (:func:`main`, :func:`build_parser`); each domain
  registers its subcommands in a ``cmd_<name>.py`` module found at start-up.
- :mod:`search.app.discover`: campaigns across every capability (:func:`run_campaign`,
  :func:`load_campaign`, :func:`campaign_from_dict`, :class:`Campaign`,
  :class:`CampaignResult`), their sections in :mod:`search.app.sections`.
- :mod:`search.app.report`: self-contained HTML/Markdown reports (:class:`ReportSection`,
  :func:`write_report`, :class:`Figure`).

Nothing below this layer imports it. Names are re-exported lazily (imported on first use), so
``disco --version`` does not load the campaigns.

Examples:
    >>> from search.app import campaign_from_dict
    >>> campaign_from_dict({"campaign": {"budget": 30, "sections": ["reactions"]}}).budget
    30.0
"""

from typing import TYPE_CHECKING

from engine._lazy import lazy_exports

if TYPE_CHECKING:
    from search.app.cli import build_parser, main
    from search.app.discover import (
        DEFAULT_CAMPAIGN,
        SECTION_TITLES,
        Campaign,
        CampaignResult,
        campaign_from_dict,
        load_campaign,
        run_campaign,
    )
    from search.app.report import Figure, ReportSection, figure_to_png, write_report

_GROUPS = {
    "command line": {name: "search.app.cli" for name in ("main", "build_parser")},
    "campaigns": {
        name: "search.app.discover"
        for name in ("run_campaign", "load_campaign", "campaign_from_dict", "Campaign",
                     "CampaignResult", "DEFAULT_CAMPAIGN", "SECTION_TITLES")
    },
    "reports": {
        name: "search.app.report" for name in ("ReportSection", "write_report", "Figure", "figure_to_png")
    },
}

_lazy_all, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)

__all__ = [
    # command line
    "main",
    "build_parser",
    # campaigns
    "run_campaign",
    "load_campaign",
    "campaign_from_dict",
    "Campaign",
    "CampaignResult",
    "DEFAULT_CAMPAIGN",
    "SECTION_TITLES",
    # reports
    "ReportSection",
    "write_report",
    "Figure",
    "figure_to_png",
]
