"""How a bundle reached the agency, as the clerk entered it: a bundle uploaded at the web desk as 우편 or
방문 is shown so, not by the medium it came on (a USB zip); without such an entry, the medium's label."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_queue.database import engine_for
from review_queue.records import BundleRecord
from review_queue.web_tables import WebUpload
from schemas.vocabulary import CHANNEL_KO, DELIVERY_KO


def entered_deliveries(url: str | None = None) -> dict[str, str]:
    """Bundle id → the delivery the clerk entered: in the receipt beside a USB copy, or at the web desk's upload
    (the latest upload of that bundle wins)."""
    with Session(engine_for(url)) as session:
        entered = dict(session.execute(select(BundleRecord.id, BundleRecord.delivery)
                                       .where(BundleRecord.delivery.is_not(None))).all())
        rows = session.execute(select(WebUpload.bundle_id, WebUpload.delivery)
                               .where(WebUpload.bundle_id.is_not(None)).order_by(WebUpload.id))
        entered.update({bundle_id: delivery for bundle_id, delivery in rows})
        return entered


def delivery_ko(bundle_id: str | None, channel: str | None, entered: dict[str, str]) -> str:
    if bundle_id in entered:
        return DELIVERY_KO.get(entered[bundle_id], CHANNEL_KO.get(channel or "", "미확인"))
    return CHANNEL_KO.get(channel or "", "미확인")
