"""The domain and its use cases: models, migrations, rules, documents. No Flask, no SMTP."""
