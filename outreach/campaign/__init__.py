"""The domain rules over the models: names, rules, stages, due, referrals."""
