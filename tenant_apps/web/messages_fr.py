"""The French wording of the domain errors' codes: the services speak English to the API, the site French."""

from __future__ import annotations

from shared_apps.core.exceptions import ApplicationError

GENERIC_SIGN_IN_FAILURE = "Adresse e-mail ou mot de passe incorrect."

BY_CODE = {
    "invalid_credentials": GENERIC_SIGN_IN_FAILURE,
    "rate_limited": "Trop de tentatives : patientez un moment avant de réessayer.",
    "invalid_mfa_code": "Ce code n'est pas valide.",
    "invalid_mfa_session": "La connexion a expiré : saisissez à nouveau votre e-mail et votre mot de passe.",
    "mfa_locked": "Trop de codes erronés : la double authentification est bloquée pour le moment.",
    "mfa_already_enabled": "La double authentification est déjà activée.",
    "mfa_not_configured": "Commencez par générer un QR code.",
    "mfa_not_enabled": "La double authentification n'est pas activée.",
    "mfa_required_by_policy": "Votre organisation exige la double authentification : elle reste activée.",
    "step_up_required": (
        "Cette action demande une connexion récente : saisissez un code de votre application "
        "d'authentification, ou reconnectez-vous."
    ),
    "invalid_current_password": "Le mot de passe actuel est incorrect.",
    "invalid_password": "Le mot de passe est incorrect.",
    "weak_password": (
        "Ce mot de passe est trop faible : au moins 12 caractères, sans votre adresse ni le nom de "
        "l'organisation, et absent des listes de mots de passe divulgués."
    ),
    "invalid_reset_token": "Ce lien de réinitialisation n'est pas valide ou a expiré.",
    "invalid_email": "Saisissez une adresse e-mail valide.",
    "invalid_phone": "Saisissez un numéro au format international (+33…).",
    "email_taken": "Un compte existe déjà avec cette adresse.",
    "self_signup_disabled": "L'inscription n'est pas ouverte ici.",
    "cannot_modify_self": "Vous ne pouvez pas modifier vos propres droits ici.",
    "shared_account": "Ce compte appartient aussi à une autre organisation.",
    "invalid_scopes": "Choisissez au moins une autorisation.",
    "scope_not_held": "Une clé ne peut pas avoir d'autorisation que vous n'avez pas.",
    "too_many_api_keys": "Vous avez atteint le nombre maximal de clés d'API.",
    "invalid_name": "Donnez un nom à la clé.",
    "no_file": "Choisissez un ou plusieurs fichiers PDF.",
    "too_many_files": "Trop de fichiers en une fois.",
    "payload_too_large": "Fichier trop volumineux.",
    "unsupported_media_type": "Seuls les fichiers PDF sont acceptés.",
    "import_running": "Un import est déjà en cours : réessayez dans un instant.",
    "permission_denied": "Vous n'avez pas les droits nécessaires pour cette action.",
    "not_found": "Page introuvable.",
    "user_not_found": "Membre introuvable.",
    "api_key_not_found": "Clé d'API introuvable.",
    "session_not_found": "Session introuvable.",
    "siren_missing": "Renseignez d'abord le SIREN de l'entreprise : il forme le nom du fichier FEC.",
    "invalid_siren": "Le SIREN doit compter 9 chiffres et respecter sa clé de contrôle.",
    "invalid_account_number": (
        "Un numéro de compte commence par trois chiffres du plan comptable (classes 1 à 7), suivis de "
        "chiffres ou de majuscules : 20 caractères au plus."
    ),
    "unknown_account_key": "Ce compte n'existe pas dans le plan de comptes.",
    "invalid_period": "Choisissez une année, ou deux dates d'un même exercice (24 mois au plus).",
}

BY_STATUS = {
    400: "La demande n'a pas pu être traitée.",
    401: "Veuillez vous connecter.",
    403: "Vous n'avez pas les droits nécessaires pour cette page.",
    404: "Page introuvable.",
    409: "Cette action est en conflit avec l'état actuel.",
    413: "Fichier trop volumineux.",
    415: "Type de fichier non accepté.",
    429: "Trop de tentatives : patientez un moment avant de réessayer.",
}


def message_for(error: ApplicationError) -> str:
    return BY_CODE.get(error.code) or BY_STATUS.get(error.status_code, "L'action n'a pas abouti.")
