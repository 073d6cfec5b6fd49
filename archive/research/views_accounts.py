"""Sign-up (open, by invitation or closed: settings.SIGNUP), log-in, log-out, password
reset, invitations. Django's auth views with our templates; readers are never staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from archive import security
from archive.research import services
from archive.research.forms import InvitationForm, SignupForm
from archive.research.models import Invitation
from archive.security import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    template_name = "research/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("archive:latest")


class PasswordResetView(auth_views.PasswordResetView):
    """Emails a reset link; past LOGIN_MAX_FAILURES requests for one address (or several
    times as many from one client) in the lockout window it sends nothing more, and says
    the same as ever (so the page tells nobody whether an address has an account)."""

    template_name = "research/password_reset.html"
    email_template_name = "research/email/password_reset.txt"
    subject_template_name = "research/email/password_reset_subject.txt"
    success_url = reverse_lazy("research:password_reset_done")

    def form_valid(self, form):
        limit = settings.LOGIN_MAX_FAILURES
        by_email = security.count_attempt("reset-email", form.cleaned_data["email"])
        by_client = security.count_attempt("reset-client", security.client_address(self.request))
        if by_email > limit or by_client > limit * security.ADDRESS_FACTOR:
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "research/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "research/password_reset_confirm.html"
    success_url = reverse_lazy("research:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "research/password_reset_complete.html"


@method_decorator(never_cache, name="dispatch")
class SignupView(View):
    """GET/POST /accounts/signup/ (open sign-up) and /accounts/signup/<token>/ (invited)."""

    template_name = "research/signup.html"

    def _gate(self, request: HttpRequest, token: str):
        """(invitation or None, reason it is refused or "")."""
        if request.user.is_authenticated:
            return None, "You are logged in already."
        if settings.SIGNUP == "closed":
            return None, "Signing up is closed on this archive."
        if token:
            try:
                return services.invitation_for(token), ""
            except services.InvalidInvitation as exc:
                return None, str(exc)
        if settings.SIGNUP == "invite":
            return None, "Signing up is by invitation: ask the archive's editors for a link."
        return None, ""

    def get(self, request, token: str = ""):
        invitation, refused = self._gate(request, token)
        if refused:
            return render(request, self.template_name, {"refused": refused}, status=403)
        initial = {"email": invitation.email} if invitation else {}
        return render(request, self.template_name, {"form": SignupForm(initial=initial)})

    def post(self, request, token: str = ""):
        invitation, refused = self._gate(request, token)
        if refused:
            return render(request, self.template_name, {"refused": refused}, status=403)
        form = SignupForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            user = services.reader_create(
                username=form.cleaned_data["username"], email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"], invitation_token=token,
            )  # fmt: skip
        except services.InvalidInvitation as exc:
            return render(request, self.template_name, {"refused": str(exc)}, status=403)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("research:collections")


@method_decorator(staff_member_required, name="dispatch")
class InviteView(View):
    """GET/POST /accounts/invite/: staff make an invitation link (and it is emailed)."""

    template_name = "research/invite.html"

    def get(self, request):
        return self._page(request, InvitationForm())

    def post(self, request):
        form = InvitationForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        invitation, token = services.invitation_create(
            email=form.cleaned_data["email"], created_by=request.user
        )
        link = request.build_absolute_uri(reverse("research:signup_invited", args=[token]))
        services.invitation_send(invitation=invitation, link=link)
        return self._page(request, InvitationForm(), link=link, invited=invitation)

    def _page(self, request, form, status=200, **extra):
        recent = Invitation.objects.select_related("used_by")[:20]
        context = {
            "form": form,
            "recent": recent,
            "signup": settings.SIGNUP,
            "now": timezone.now(),
            **extra,
        }
        return render(request, self.template_name, context, status=status)
