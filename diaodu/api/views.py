"""接口令牌: a user makes, sees and revokes their own API tokens."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from diaodu.core.errors import UserError
from diaodu.core.views import ShellMixin

from . import selectors, services
from .forms import TokenForm


class TokenListView(ShellMixin, FormView):
    template_name = "api/tokens.html"
    form_class = TokenForm
    title = gettext_lazy("接口令牌")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_token_list(user=self.request.user)
        return context

    def form_valid(self, form):
        try:
            token, key = services.api_token_create(actor=self.request.user,
                                                   name=form.cleaned_data["name"],
                                                   days=form.cleaned_data["days"])
        except UserError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        # Shown once on this response only; the database keeps only the hash.
        return self.render_to_response(self.get_context_data(form=TokenForm(), new_key=key,
                                                             new_token=token))


class TokenRevokeView(ShellMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = selectors.api_token_get(user=request.user, pk=pk)
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
        return redirect("tokens:list")
