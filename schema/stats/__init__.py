"""Statistics (统计分析) for tenant administrators and the platform operator, and the operating
alerts (运行告警) they see."""
