"""What awaits each role on its home page."""


def home_context(user) -> dict:
    return {"sections": []}
