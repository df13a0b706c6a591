from accounts.models import User


def user_register(*, email: str, password: str) -> User:
    return User.objects.create_user(email=email, password=password)
