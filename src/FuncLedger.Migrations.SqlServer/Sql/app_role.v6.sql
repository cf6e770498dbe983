-- funcledger_app's grants on what PromoRevocations adds (app_role.v1.sql to v5 hold the rest). The idempotent script runs this in
-- the batch that adds the columns: the grant compiles when it runs.
EXEC(N'GRANT UPDATE ([revoked_at], [revoked_by], [revoke_reason], [revoke_idempotency_key], [reversal_entry_id], [slot_released])
    ON [promo_redemptions] TO [funcledger_app];');
