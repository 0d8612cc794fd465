"""Which Chinese words are verbs: a hand list of the verbs of government texts, widened by
the verbs of jieba's dictionary (it ships with the package, nothing is downloaded)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

# The verbs that open tasks in speeches and notices. Listed by hand because the dictionary
# tags some of them otherwise (深化 as an abbreviation, 落实 as an adjective, 谋划 as a noun).
TASK_VERBS = frozenset(
    """着力 加快 推进 推动 加强 强化 深化 大力 积极 鼓励 支持 努力 力争 坚持 抓好 建设 实施 培育
    引进 打造 构建 完善 健全 落实 开展 组织 制定 出台 优化 突破 依托 聚焦 促进 提升 提高 扩大
    建立 探索 创新 培养 引导 推广 发展 做好 做强 做大 争取 确保 建成 完成 报送 上报 编制 设立
    修订 启动 实现 达到 取得 形成 推出 加大 规范 应用 公布 打击 举办 新建 遴选 孵化 给予 整治
    排查 摸排 压实 谋划 统筹 督促 指导 开设 减少 降低 增加 保障 守住 筑牢 压减 清理 核查 办理
    反馈 报告 提交 召开 梳理 建立健全 严厉打击 严格 严肃 全力 扎实 稳步 有序 持续 切实 全面
    深入 认真 坚决 重点 主动 加速 巩固 拓展 拓宽 深挖 用好 管好 守牢 兜牢 织密 补齐 补强 延伸
    壮大 招引 引育 引入 组建 筹建 改造 提速 推行 试行 试点 部署 安排 健全完善 修订完善 研究
    研究制定 整合 盘活 腾退 复制 复制推广 对接 服务 帮助 协调 配合 监测 检查 督查 考核 评估
    通报 约谈 问责 追责 惩治 查处 处置 化解 防范 防控 治理 修复 保护 改善 美化 亮化 绿化 硬化
    新增 新开工 开工 竣工 投用 投运 上线 接入 覆盖 发放 兑现 落地 签约 招商 招聘 培训 宣传
    普及 表彰 奖励 补贴 扶持 减免 纳入 列入 建好 抓实 做实 织牢 开通 取消 撤销 关停 淘汰
    搭建 营造 畅通 打通 贯通 提供 配备 配齐 实行 执行 落细 倒逼 激发 释放 挖掘 夯实 开拓 调整
    明确 细化 分解 对标 转化 集聚 聚集 承接 引领 带动 辐射 保持 维护 开放 共享 联动 融合
    调度 施划 挂钩 曝光 处罚 整改 征集 印发 下达 兑付 验收 交办 督办 销号 挂牌 报市 报省 报区 报县
    消除 清零 更新 加装 配建 新增 募集 开发 举行 推介 签订 制订 修改 修编 审定 备案 登记 会同
    加密 巡河 巡湖 巡查 创建 新创建 争创 预置 配足 配齐 选派 派驻 增设 扩容
    提标 提质 改建 扩建 新改建 续建 共建 共享 下沉 轮训 演练 值守 预警 转移 储备 拨付 撤桶 供热
    供暖 处置 上门 排查 公开 曝光 约谈 追责 问责 拓展 开拓 巩固 参加 参与 组织 办结
    回复 答复 受理 便利 简化 立案 侦查 查处 巡山 看护 实行 适时""".split()
)
# Words a clause may start with that are not verbs although the dictionary says so.
_NOT_VERBS = frozenset(
    """要求 需要 没有 就是 还是 作为 成为 包括 通过 根据 按照 进行 加以 予以 面对 面临 随着
    经过 围绕 立足 对照 回顾 站在 实际 希望""".split()
)
_DICTIONARY_TAGS = ("v",)


@cache
def dictionary_verbs() -> frozenset[str]:
    """The two- to four-character words jieba's dictionary tags as verbs (empty without it)."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency; the hand list still works
        return frozenset()
    path = Path(jieba.__file__).with_name("dict.txt")
    verbs = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _frequency, tag = line.split()
            if tag in _DICTIONARY_TAGS and 2 <= len(word) <= 4:
                verbs.add(word)
    return frozenset(verbs - _NOT_VERBS)


def verb_at(text: str, pos: int, *, listed_only: bool = False) -> int:
    """The length of the verb that starts at text[pos], or 0: the longest listed verb, else
    (unless `listed_only`) the longest verb of the dictionary."""
    for size in (4, 3, 2):
        if text[pos : pos + size] in TASK_VERBS:
            return size
    if listed_only:
        return 0
    verbs = dictionary_verbs()
    for size in (4, 3, 2):
        if text[pos : pos + size] in verbs:
            return size
    return 0
