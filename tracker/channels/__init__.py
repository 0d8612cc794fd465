"""Channels beside email: department group robots (DingTalk, WeCom, Feishu) and SMS."""
