from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safecity.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safecity.core import checks, rules  # noqa: F401  checks registers the audit and rule-pack checks

        rules.register(rules.PackSpec(
            name="core.account_security",
            title="Sign-in, session and account rules",
            path=Path(__file__).resolve().parent / "data" / "rules" / "account_security.toml",
            key="key",
            description="The CJIS Security Policy and NIST limits the sign-in, session and account code enforces; "
                        "each names the setting that carries it, and the system check refuses a looser setting "
                        "in CJI mode.",
        ))
