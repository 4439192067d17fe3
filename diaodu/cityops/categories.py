"""The default event and component categories (loaded once; administrators keep the list).

Major classes and their two-digit codes follow GB/T 30428.2-2013《数字化城市管理信息系统 第2部分：
管理部件和事件》(which took them over from CJ/T 214-2007): events 01 市容环境, 02 宣传广告,
03 施工管理, 04 突发事件, 05 街面秩序, 06 其它事件; components 01 公用设施, 02 道路交通,
03 市容环境, 04 园林绿化, 05 房屋土地, 06 其它设施 (research/domain_facts.md, FACTS.md).
Subclass codes (the last two digits) differ between cities' local lists: the ones below are
the common subclasses in the standard's order as samples — compare them with Zhengzhou's 数字城管
list before production (docs/cityops.md). Component categories carry the prefix "B", events
"S", so the two lists cannot clash. Limits in working hours: 立案 2 h for all; 处置 by urgency
(sudden events 2 h, street order 8 h, the rest 24 h).
"""

# (code, kind, major code, major name, subclass name, handle hours)
EVENTS = [
    ("S0101", "event", "01", "市容环境", "私搭乱建", 24),
    ("S0102", "event", "01", "市容环境", "暴露垃圾", 8),
    ("S0103", "event", "01", "市容环境", "积存垃圾渣土", 24),
    ("S0104", "event", "01", "市容环境", "道路不洁", 8),
    ("S0105", "event", "01", "市容环境", "垃圾堆放", 8),
    ("S0106", "event", "01", "市容环境", "焚烧垃圾树叶", 2),
    ("S0201", "event", "02", "宣传广告", "非法小广告", 24),
    ("S0202", "event", "02", "宣传广告", "违规张贴悬挂广告", 24),
    ("S0301", "event", "03", "施工管理", "施工扰民", 8),
    ("S0302", "event", "03", "施工管理", "工地扬尘", 8),
    ("S0303", "event", "03", "施工管理", "道路遗撒", 8),
    ("S0304", "event", "03", "施工管理", "施工占道", 24),
    ("S0401", "event", "04", "突发事件", "路面塌陷", 2),
    ("S0402", "event", "04", "突发事件", "自来水管破裂", 2),
    ("S0403", "event", "04", "突发事件", "燃气管道破裂", 2),
    ("S0404", "event", "04", "突发事件", "道路积水", 2),
    ("S0501", "event", "05", "街面秩序", "无照经营游商", 8),
    ("S0502", "event", "05", "街面秩序", "占道经营", 8),
    ("S0503", "event", "05", "街面秩序", "机动车乱停放", 8),
    ("S0504", "event", "05", "街面秩序", "非机动车乱停放", 8),
    ("S0505", "event", "05", "街面秩序", "噪音扰民", 8),
    ("S0601", "event", "06", "其它事件", "其它事件", 24),
    ("B0101", "component", "01", "公用设施", "井盖缺失", 2),
    ("B0102", "component", "01", "公用设施", "井盖破损", 8),
    ("B0103", "component", "01", "公用设施", "消防设施损坏", 8),
    ("B0201", "component", "02", "道路交通", "路灯不亮", 24),
    ("B0202", "component", "02", "道路交通", "交通标志损坏", 24),
    ("B0203", "component", "02", "道路交通", "护栏损坏", 24),
    ("B0301", "component", "03", "市容环境", "垃圾箱满溢", 8),
    ("B0302", "component", "03", "市容环境", "公厕设施损坏", 24),
    ("B0401", "component", "04", "园林绿化", "绿地损坏", 24),
    ("B0402", "component", "04", "园林绿化", "行道树倒伏", 8),
    ("B0501", "component", "05", "房屋土地", "危房", 8),
    ("B0601", "component", "06", "其它设施", "其它设施", 24),
]
