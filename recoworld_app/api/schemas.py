from ninja import Schema


class Error(Schema):
    detail: str
