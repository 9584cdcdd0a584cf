"""The tenant's site, at the root of its host (the API stays under /api/v1/)."""

from django.urls import path

from .views import account, accounting, auth, mfa, purchases, team

app_name = "web"

urlpatterns = [
    path("", purchases.dashboard, name="dashboard"),
    path("connexion", auth.sign_in, name="sign-in"),
    path("connexion/code", auth.second_factor, name="second-factor"),
    path("inscription", auth.sign_up, name="sign-up"),
    path("mot-de-passe-oublie", auth.reset_request, name="reset-request"),
    path("mot-de-passe-oublie/nouveau", auth.reset_confirm, name="reset-confirm"),
    path("reset-password", auth.reset_link, name="reset-link"),
    path("deconnexion", auth.sign_out, name="sign-out"),
    path("compte", account.account, name="account"),
    path("compte/profil", account.profile, name="account-profile"),
    path("compte/mot-de-passe", account.password, name="account-password"),
    path("compte/sessions/fermer-les-autres", account.sessions_end_others, name="sessions-end-others"),
    path("compte/sessions/<uuid:session_id>/fermer", account.session_end, name="session-end"),
    path("compte/cles-api", account.api_key_create, name="api-key-create"),
    path("compte/cles-api/<uuid:key_id>/revoquer", account.api_key_revoke, name="api-key-revoke"),
    path("compte/donnees-personnelles", account.personal_data, name="personal-data"),
    path("compte/double-authentification", mfa.mfa_home, name="mfa-enrol"),
    path("compte/double-authentification/qr-code", mfa.mfa_setup, name="mfa-setup"),
    path("compte/double-authentification/activer", mfa.mfa_enable, name="mfa-enable"),
    path("compte/double-authentification/desactiver", mfa.mfa_disable, name="mfa-disable"),
    path("compte/double-authentification/codes-de-secours", mfa.recovery_codes, name="mfa-recovery"),
    path("equipe", team.team, name="team"),
    path("equipe/inviter", team.invite, name="team-invite"),
    path("equipe/<uuid:user_id>/activer", team.activate, name="team-activate"),
    path("equipe/<uuid:user_id>/desactiver", team.deactivate, name="team-deactivate"),
    path("factures", purchases.invoices, name="invoices"),
    path("factures/import", purchases.InvoiceUploadView.as_view(), name="invoice-upload"),
    path("factures/<int:invoice_id>", purchases.invoice_detail, name="invoice"),
    path("produits", purchases.products, name="products"),
    path("produits/<int:product_id>", purchases.product_detail, name="product"),
    path("comptabilite", accounting.accounting, name="accounting"),
    path("comptabilite/fec", accounting.fec_file, name="accounting-fec"),
    path("comptabilite/siren", accounting.siren, name="accounting-siren"),
    path("comptabilite/comptes", accounting.accounts, name="accounting-accounts"),
]
