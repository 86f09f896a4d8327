"""One cog per concern, loaded as extensions in `Policybot.setup_hook`."""

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.sources",
    "bot.cogs.admin",
    "bot.cogs.curate",
    "bot.cogs.timeline",
    "bot.cogs.verify",
    "bot.cogs.buttons",
)
