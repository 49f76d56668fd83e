from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.pagination import PageOut


class ReviewIn(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=4000))


class ReviewOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    author_id = fields.UUID()
    author_name = fields.String(attribute="author.display_name")
    subject_id = fields.UUID()
    rating = fields.Integer()
    comment = fields.String()
    created_at = fields.DateTime()
    published = fields.Method("_published")

    def _published(self, obj: object) -> bool:
        return getattr(obj, "published_at", None) is not None


class ReviewPage(PageOut):
    """Published reviews about someone, with her (or its) rating over all of them."""

    results = fields.List(fields.Nested(ReviewOut), required=True)
    rating_avg = fields.Float(allow_none=True, metadata={"description": "Over every page"})
    rating_count = fields.Integer(metadata={"description": "Over every page"})
