"""How the JSON API knows who is calling: a personal token (Bearer) or the signed-in session."""

from ninja.security import HttpBearer, django_auth

from laksana.accounts.services import user_for_key


class PersonalToken(HttpBearer):
    def authenticate(self, request, token: str):
        return user_for_key(token)


STAFF_AUTH = [PersonalToken(), django_auth]
