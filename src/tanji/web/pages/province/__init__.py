"""Provincial supervision (省级监管): every enterprise of the province on one screen."""
