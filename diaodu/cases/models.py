from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit
from diaodu.projects.models import Project


class TaskForce(models.Model):
    """服务专班: a cross-department team that unblocks the projects assigned to it."""

    name = models.CharField(_("专班名称"), max_length=100, unique=True)
    lead_unit = models.ForeignKey(OrgUnit, verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                  related_name="led_task_forces")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员"),
                                     related_name="task_forces", blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("服务项目"),
                                      related_name="task_forces", blank=True)
    duties = models.TextField(_("工作职责"), blank=True)
    active = models.BooleanField(_("在运行"), default=True)

    class Meta:
        verbose_name = _("服务专班")
        verbose_name_plural = _("服务专班")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
