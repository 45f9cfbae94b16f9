from yingshang.assessment.views.leaders import (  # noqa: F401
    dashboard,
    snapshot_public,
    staff_ranking,
)
from yingshang.assessment.views.oversight import (  # noqa: F401
    exposure_action,
    exposure_detail,
    exposures,
    finding_action,
    finding_evidence,
    findings,
    visit_action,
    visit_detail,
    visits,
)
from yingshang.assessment.views.public import bulletin as public_bulletin  # noqa: F401
from yingshang.assessment.views.public import exposures as public_exposures  # noqa: F401
from yingshang.assessment.views.public import ranking as public_ranking  # noqa: F401
from yingshang.assessment.views.public import rankings as public_rankings  # noqa: F401
from yingshang.assessment.views.rankings import (  # noqa: F401
    bulletin_docx,
    index,
    snapshot_action,
    snapshot_detail,
    snapshot_status,
    unit_page,
    workbook_xlsx,
)
from yingshang.assessment.views.setup import (  # noqa: F401
    adjustment_action,
    adjustment_evidence,
    adjustments,
    listing_action,
    listing_minutes,
    listings,
    scheme_action,
    scheme_detail,
    scheme_new,
    schemes,
)
