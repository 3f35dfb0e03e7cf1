"""The data-analysis page (数据分析): forecast, ranking, meter anomalies, reduction levers."""
