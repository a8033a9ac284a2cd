"""Demo notices (通知公告) and one issue of a publication (信息刊物) in the city bureau: a
pinned holiday notice sent down to the district office, a meeting notice for two divisions,
and 《政务信息》 第1期 made of articles from two divisions, which the district office
subscribes to. Running it again changes nothing."""

from __future__ import annotations

from auth.viewer import actor_for
from models.access import Actor
from models.directory import OrgUnit, User
from models.notices import Notice, NoticePriority
from models.publications import Publication
from models.scope import TenantScope
from models.tenants import Tenant
from services import notices, publications

CITY, DISTRICT = "jxw", "hd-kxw"
HOLIDAY = "关于2027年元旦放假安排的通知"
MEETING = "关于召开全局安全生产工作会议的通知"
BULLETIN = "政务信息"


async def seed() -> None:
    city = await Tenant.get(code=CITY)
    scope = TenantScope(city.id)
    admin = await _actor(scope, city, "admin")
    if not await scope.query(Notice).filter(title=HOLIDAY).exists():
        holiday = await notices.create_notice(
            admin,
            title=HOLIDAY,
            body="1月1日放假，共1天。请各单位做好值班和安全工作。",
            category="通知公告",
            pinned=True,
            to_everyone=True,
            to_subtenants=True,
        )
        await notices.publish_notice(admin, id=holiday.id)
    if not await scope.query(Notice).filter(title=MEETING).exists():
        units = await scope.query(OrgUnit).filter(code__in=["office", "planning"])
        meeting = await notices.create_notice(
            admin,
            title=MEETING,
            body="定于下周一上午9时在三楼会议室召开全局安全生产工作会议，请各处室负责人参加。",
            category="会议通知",
            priority=NoticePriority.IMPORTANT,
            org_unit_ids=[u.id for u in units],
        )
        await notices.publish_notice(admin, id=meeting.id)
        await notices.mark_notice_read(await _actor(scope, city, "li.na"), id=meeting.id)
    if not await scope.query(Publication).filter(title=BULLETIN).exists():
        await _bulletin(scope, city, admin)


async def _bulletin(scope: TenantScope, city: Tenant, admin: Actor) -> None:
    district = await Tenant.get(code=DISTRICT)
    bulletin = await publications.create_publication(
        admin,
        title=BULLETIN,
        kind="bulletin",
        description="全局政务动态与工作信息",
        subscriber_tenant_ids=[district.id],
    )
    articles = []
    for username, title in (
        ("wang.fang", "规划处完成年度重点项目中期评估"),
        ("zhang.wei", "办公室开展公文处理规范化培训"),
    ):
        author = await _actor(scope, city, username)
        article = await publications.contribute_article(
            author, publication_id=bulletin.id, title=title, body=f"{title}。详细情况如下……"
        )
        articles.append(article.id)
    issue = await publications.create_issue(
        admin, publication_id=bulletin.id, theme="年度工作进展", article_ids=articles
    )
    await publications.publish_issue(admin, id=issue.id)


async def _actor(scope: TenantScope, tenant: Tenant, username: str) -> Actor:
    user = await scope.query(User).get(username=username)
    return await actor_for(scope, user, tenant)
