-- ledger_void v2: voids a hold in one statement. Since v1: the void has a key (p_key: the client's, registered when
-- p_register, or one the ledger made) recorded on the hold with its fingerprint, so a retry under it replays ('H', replayed)
-- and the same key with other terms, or a client key that named another request, is a conflict ('C').
CREATE FUNCTION ledger_void(p_hold bigint, p_key text, p_fingerprint text, p_register boolean, p_now timestamptz)
RETURNS TABLE (o_kind "char", o_replayed boolean, o_id bigint, o_owner bigint, o_wallet bigint, o_amount bigint,
    o_status integer, o_expires timestamptz, o_captured bigint, o_entry bigint, o_balance bigint, o_held bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 SET search_path = public, pg_temp AS $fn$
DECLARE
    c_pending CONSTANT integer := 0;  -- HoldStatus.Pending
    c_voided CONSTANT integer := 2;  -- HoldStatus.Voided
    c_expired CONSTANT integer := 3;  -- HoldStatus.Expired
    c_op_void CONSTANT smallint := 8;  -- LedgerOperation.Void
    v_hold record;
    v_replayed boolean := false;
BEGIN
    IF p_register AND EXISTS (SELECT 1 FROM client_keys c WHERE c.idempotency_key = p_key AND c.request_fingerprint <> p_fingerprint)
    THEN
        RETURN QUERY SELECT 'C'::"char", true, p_hold, 0::bigint, 0::bigint, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
            0::bigint, 0::bigint;
        RETURN;
    END IF;

    -- The hold's wallet is locked (as every write locks its wallets), then the hold is checked under the lock.
    PERFORM 1 FROM wallets w WHERE w.id = (SELECT h.wallet_id FROM ledger_holds h WHERE h.id = p_hold) FOR UPDATE;
    SELECT h.wallet_id, h.amount, h.status, h.expires_at, h.closed_key, h.closed_fingerprint INTO v_hold
    FROM ledger_holds h WHERE h.id = p_hold;
    IF FOUND AND v_hold.status = c_voided AND v_hold.closed_key = p_key THEN
        IF v_hold.closed_fingerprint <> p_fingerprint THEN
            RETURN QUERY SELECT 'C'::"char", true, p_hold, 0::bigint, 0::bigint, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
                0::bigint, 0::bigint;
            RETURN;
        END IF;

        v_replayed := true;
    ELSIF NOT FOUND OR v_hold.status <> c_pending OR v_hold.expires_at <= p_now THEN
        -- Expired covers a hold the expiry timer released (its clock may be ahead of this instance's).
        RETURN QUERY SELECT
            (CASE WHEN v_hold.status IS NULL THEN 'F' WHEN v_hold.status NOT IN (c_pending, c_expired) THEN 'P' ELSE 'E' END)::"char",
            false, p_hold, 0::bigint, coalesce(v_hold.wallet_id, 0), coalesce(v_hold.amount, 0), coalesce(v_hold.status, c_pending),
            coalesce(v_hold.expires_at, p_now), 0::bigint, NULL::bigint, 0::bigint, 0::bigint;
        RETURN;
    ELSE
        UPDATE ledger_holds SET status = c_voided, captured = 0, updated_at = p_now, closed_key = p_key,
            closed_fingerprint = p_fingerprint
        WHERE id = p_hold AND status = c_pending;
        UPDATE wallets SET held = held - v_hold.amount WHERE id = v_hold.wallet_id;
        IF p_register THEN
            INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
            VALUES (p_key, c_op_void, p_fingerprint, p_now);
        END IF;
    END IF;

    RETURN QUERY SELECT 'H'::"char", v_replayed, h.id, w.owner_id, h.wallet_id, h.amount, h.status, h.expires_at, h.captured,
        h.capture_entry_id, w.cached_balance,
        (SELECT coalesce(sum(x.amount), 0)::bigint FROM ledger_holds x
         WHERE x.wallet_id = w.id AND x.status = c_pending AND x.expires_at > p_now)
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = p_hold;
END
$fn$;
