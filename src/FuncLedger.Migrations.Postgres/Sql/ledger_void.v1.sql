CREATE FUNCTION ledger_void(p_hold bigint, p_now timestamptz)
RETURNS TABLE (o_kind "char", o_replayed boolean, o_id bigint, o_owner bigint, o_wallet bigint, o_amount bigint,
    o_status integer, o_expires timestamptz, o_captured bigint, o_entry bigint, o_balance bigint, o_held bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $fn$
DECLARE
    v_hold record;
BEGIN
    -- The hold's wallet is locked (as every write locks its wallets), then the hold is checked under the lock.
    PERFORM 1 FROM wallets w WHERE w.id = (SELECT h.wallet_id FROM ledger_holds h WHERE h.id = p_hold) FOR UPDATE;
    SELECT h.wallet_id, h.amount, h.status, h.expires_at INTO v_hold FROM ledger_holds h WHERE h.id = p_hold;
    IF NOT FOUND OR v_hold.status <> 0 OR v_hold.expires_at <= p_now THEN
        -- Expired covers a hold the expiry timer released (its clock may be ahead of this instance's).
        RETURN QUERY SELECT (CASE WHEN v_hold.status IS NULL THEN 'F' WHEN v_hold.status NOT IN (0, 3) THEN 'P' ELSE 'E' END)::"char",
            false, p_hold, 0::bigint, coalesce(v_hold.wallet_id, 0), coalesce(v_hold.amount, 0), coalesce(v_hold.status, 0),
            coalesce(v_hold.expires_at, p_now), 0::bigint, NULL::bigint, 0::bigint, 0::bigint;
        RETURN;
    END IF;

    UPDATE ledger_holds SET status = 2, captured = 0, updated_at = p_now WHERE id = p_hold;
    UPDATE wallets SET held = held - v_hold.amount WHERE id = v_hold.wallet_id;
    RETURN QUERY SELECT 'H'::"char", false, h.id, w.owner_id, h.wallet_id, h.amount, h.status, h.expires_at, h.captured,
        h.capture_entry_id, w.cached_balance,
        (SELECT coalesce(sum(x.amount), 0)::bigint FROM ledger_holds x
         WHERE x.wallet_id = w.id AND x.status = 0 AND x.expires_at > p_now)
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = p_hold;
END
$fn$;