from ninja.security import HttpBearer

from recoworld_app.services.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(plaintext=token)
        if user is not None:
            request.user = user
        return user
