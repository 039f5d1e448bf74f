"""A small Légifrance (PISTE) client on httpx: OAuth client credentials, JSON POSTs, retries with back-off
on 429/5xx and network errors, token refresh on 401 and shortly before expiry. Credentials stay in memory."""

from __future__ import annotations

import time
from typing import Callable

import httpx

from kb.config import Settings
from kb.sync.errors import PisteAuthError, SyncError

OAUTH_URL = "https://oauth.piste.gouv.fr/api/oauth/token"
API_URL = "https://api.piste.gouv.fr/dila/legifrance/lf-engine-app/"
SANDBOX_OAUTH_URL = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
SANDBOX_API_URL = "https://sandbox-api.piste.gouv.fr/dila/legifrance/lf-engine-app/"

REFRESH_MARGIN = 60.0  # seconds before expiry when a token is renewed
MAX_RETRY_AFTER = 60.0
CREDENTIALS_REFUSED = ("Identifiants PISTE refusés ({status}) : vérifier KB_PISTE_CLIENT_ID et "
                       "KB_PISTE_CLIENT_SECRET")


class PisteClient:
    """POST JSON to the Légifrance API with a bearer token; every failure becomes a French KbError."""

    def __init__(self, client_id: str, client_secret: str, *, oauth_url: str = OAUTH_URL, api_url: str = API_URL,
                 timeout: float = 30.0, retries: int = 4, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        if not client_id or not client_secret:
            raise PisteAuthError("Identifiants PISTE absents : définir KB_PISTE_CLIENT_ID et KB_PISTE_CLIENT_SECRET "
                                 "(application PISTE abonnée à l'API Légifrance), ou lire les dumps DILA avec "
                                 "« kb sync --from-dila CHEMIN ».")
        self._credentials = (client_id, client_secret)
        self.oauth_url, self.api_url = oauth_url, api_url.rstrip("/") + "/"
        self.retries, self.backoff = retries, backoff
        self._sleep, self._clock = sleep, clock
        self._http = httpx.Client(timeout=timeout, headers={"Accept": "application/json"})
        self._token = ""
        self._expires_at = 0.0
        self.tokens_fetched = 0

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs) -> "PisteClient":
        sandbox = settings.piste_sandbox
        return cls(settings.piste_client_id, settings.piste_client_secret.get_secret_value(),
                   oauth_url=settings.piste_oauth_url or (SANDBOX_OAUTH_URL if sandbox else OAUTH_URL),
                   api_url=settings.piste_api_url or (SANDBOX_API_URL if sandbox else API_URL),
                   timeout=settings.piste_timeout, retries=settings.piste_retries, backoff=settings.piste_backoff,
                   **kwargs)

    def __enter__(self) -> "PisteClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def post(self, route: str, payload: dict) -> dict | None:
        """The JSON reply of one API route; None when the API says the object does not exist (404)."""
        url = self.api_url + route.lstrip("/")
        response = self._send(url, json=payload, headers=self._auth())
        if response.status_code == 401:  # token revoked or expired early: one fresh token, one more try
            self._token = ""
            response = self._send(url, json=payload, headers=self._auth())
            if response.status_code == 401:
                raise PisteAuthError("L'API Légifrance refuse un jeton neuf (401) : vérifier que l'application "
                                     "PISTE est abonnée à l'API Légifrance et que ses conditions sont acceptées.")
        if response.status_code == 403:
            raise PisteAuthError("Accès refusé par l'API Légifrance (403) : l'application PISTE est-elle abonnée "
                                 "à l'API Légifrance (production ou bac à sable, selon KB_PISTE_SANDBOX) ?")
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise SyncError(f"L'API Légifrance a refusé la requête {route} (HTTP {response.status_code}) : "
                            f"{response.text[:200]}")
        try:
            return response.json()
        except ValueError as exc:
            raise SyncError(f"Réponse illisible de l'API Légifrance pour {route} (JSON attendu).") from exc

    def _auth(self) -> dict[str, str]:
        if not self._token or self._clock() >= self._expires_at - REFRESH_MARGIN:
            self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    def _fetch_token(self) -> None:
        client_id, client_secret = self._credentials
        response = self._send(self.oauth_url, data={"grant_type": "client_credentials", "client_id": client_id,
                                                    "client_secret": client_secret, "scope": "openid"})
        if response.status_code in (400, 401, 403):
            raise PisteAuthError(CREDENTIALS_REFUSED.format(status=response.status_code))
        if response.status_code >= 300:
            raise SyncError(f"Le serveur d'authentification PISTE a répondu HTTP {response.status_code}.")
        try:
            body = response.json()
            self._token = str(body["access_token"])
            self._expires_at = self._clock() + float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise SyncError("Réponse illisible du serveur d'authentification PISTE (jeton attendu).") from exc
        self.tokens_fetched += 1

    def _send(self, url: str, **kwargs) -> httpx.Response:
        """POST with retries on 429, 5xx and network errors; gives up with a French error."""
        last, last_response = "", None
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self._delay(attempt, last_response))
            last_response = None
            try:
                response = self._http.post(url, **kwargs)
            except httpx.TransportError as exc:
                last = f"erreur réseau ({exc.__class__.__name__})"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last, last_response = f"HTTP {response.status_code}", response
                continue
            return response
        raise SyncError(f"Légifrance ne répond pas ({last} après {self.retries + 1} essais) : réessayer plus tard. "
                        "Rien n'a été écrit.")

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), MAX_RETRY_AFTER)
        return self.backoff * 2 ** (attempt - 1)
