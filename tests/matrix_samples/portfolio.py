"""A review with an item for the sample partnership and one for the confidential partnership,
and the default rules."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accord.metrics import periods
from accord.partnerships.models import Partnership
from accord.portfolio import services
from accord.portfolio.models import Review, ReviewItem, ReviewRule
from tests.matrix_samples import confidential_samples, samples


@samples
def portfolio_samples(world: dict[str, Any]) -> dict[Any, Any]:
    last = periods.shift(periods.quarter_of(timezone.localdate()), -1)
    review = services.review_run(actor=world["users"]["admin"], quarter=last)
    item = ReviewItem.objects.create(
        review=review, partnership=world["samples"][Partnership], recommendation="continue"
    )
    return {Review: review, ReviewItem: item, ReviewRule: ReviewRule.objects.first()}


@confidential_samples
def confidential_review_item(world: dict[str, Any]) -> dict[Any, Any]:
    item = ReviewItem.objects.create(
        review=world["samples"][Review], partnership=world["secret"][Partnership],
        recommendation="exit", rule=world["secret_evidence"],
    )  # fmt: skip
    return {"Review item of the confidential partnership": item}
