"""Projects: the ledger, read through the scoped selectors and written through the services."""

from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from diaodu.projects import selectors, services
from diaodu.projects.selectors import ProjectFilters

from .pagination import Pages
from .schemas import Error, Pk, ProjectCreate, ProjectOut, ProjectUpdate

router = Router(tags=["projects"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
# Text fields that the ledger stores as "" rather than NULL.
BLANK_TEXT = ("owner_name", "scope", "location")


class ProjectQuery(Schema):
    level: str = Field("", max_length=16)
    stage: str = Field("", max_length=16)
    unit: Pk | None = None
    street: Pk | None = None
    category: Pk | None = None
    whitelist: bool | None = None
    q: str = Field("", max_length=100)


@router.get("/projects", response=list[ProjectOut], url_name="project_list")
@paginate(Pages)
def project_list(request, filters: Query[ProjectQuery]):
    """Projects the caller may see (省→市→区, then by total investment)."""
    return selectors.project_list(user=request.auth, filters=ProjectFilters(**filters.dict()))


@router.get("/projects/{project_id}", response={200: ProjectOut, 404: Error},
            url_name="project_detail")
def project_detail(request, project_id: Path[Pk]):
    return selectors.project_get(user=request.auth, pk=project_id)


@router.post("/projects", response={201: ProjectOut, **ERRORS}, url_name="project_create")
def project_create(request, payload: ProjectCreate):
    """Add a project (dispatchers)."""
    data = payload.model_dump()
    project = services.project_create(actor=request.auth, **data)
    return Status(201, selectors.project_get(user=request.auth, pk=project.pk))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS},
              url_name="project_update")
def project_update(request, project_id: Path[Pk], payload: ProjectUpdate):
    """Edit ledger fields (dispatchers). A stale `expected_version` is refused with 409."""
    project = selectors.project_get(user=request.auth, pk=project_id)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version")
    for field in BLANK_TEXT:
        if field in changes and changes[field] is None:
            changes[field] = ""
    services.project_update(actor=request.auth, project=project, expected_version=expected,
                            **changes)
    return selectors.project_get(user=request.auth, pk=project.pk)
