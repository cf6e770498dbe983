-- funcledger_app's grants on what PromoRevocations adds (app_role.v1.sql to v5 hold the rest): a redemption is marked revoked
-- once, with who, why, the key, the entry that took the coins back and whether its slot was given back.
GRANT UPDATE (revoked_at, revoked_by, revoke_reason, revoke_idempotency_key, reversal_entry_id, slot_released)
    ON promo_redemptions TO funcledger_app;
