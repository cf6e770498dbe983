-- ledger_hold v2: places a hold in one statement. Since v1: the hold's key is registered in client_keys (one key, one operation
-- of any kind): a key that named another request of any kind is a conflict; search_path is pinned.
CREATE FUNCTION ledger_hold(
    p_owner bigint, p_amount bigint, p_reason text, p_meta text, p_key text, p_fingerprint text, p_expires timestamptz,
    p_now timestamptz)
RETURNS TABLE (o_kind "char", o_replayed boolean, o_id bigint, o_owner bigint, o_wallet bigint, o_amount bigint,
    o_status integer, o_expires timestamptz, o_captured bigint, o_entry bigint, o_balance bigint, o_held bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 SET search_path = public, pg_temp AS $fn$
DECLARE
    c_pending CONSTANT integer := 0;  -- HoldStatus.Pending
    c_op_hold CONSTANT smallint := 5;  -- LedgerOperation.Hold
    v_key record;
    v_wallet record;
    v_hold bigint;
    v_replayed boolean := true;
    v_active bigint;
BEGIN
    FOR v_pass IN 1..2 LOOP
        IF EXISTS (SELECT 1 FROM client_keys c WHERE c.idempotency_key = p_key AND c.request_fingerprint <> p_fingerprint) THEN
            RETURN QUERY SELECT 'C'::"char", true, 0::bigint, p_owner, 0::bigint, 0::bigint, 0, p_now, 0::bigint,
                NULL::bigint, 0::bigint, 0::bigint;
            RETURN;
        END IF;

        -- Pass 1: a replay or a conflict is answered from the key alone, with no lock. Pass 2, under the wallet's lock: a
        -- concurrent first request under the key may have committed while this one waited. A hold's row comes first.
        SELECT k.id, k.wallet_id, k.balance, k.amount, k.fingerprint INTO v_key
        FROM (SELECT -h.id AS id, h.wallet_id, 0::bigint AS balance, -h.amount AS amount, h.request_fingerprint::text AS fingerprint
              FROM ledger_holds h WHERE h.idempotency_key = p_key
              UNION ALL SELECT 0, r.wallet_id, r.balance, r.amount, r.request_fingerprint FROM ledger_refusals r
              WHERE r.idempotency_key = p_key
              UNION ALL SELECT e.id, e.wallet_id, e.balance_after, e.amount, e.request_fingerprint FROM ledger_entries e
              WHERE e.idempotency_key = p_key) AS k
        ORDER BY k.id LIMIT 1;
        IF FOUND THEN
            IF v_key.fingerprint IS DISTINCT FROM p_fingerprint THEN
                RETURN QUERY SELECT 'C'::"char", true, 0::bigint, p_owner, v_key.wallet_id, 0::bigint, 0, p_now, 0::bigint,
                    NULL::bigint, 0::bigint, 0::bigint;
                RETURN;
            END IF;

            IF v_key.id >= 0 THEN
                RETURN QUERY SELECT 'I'::"char", true, 0::bigint, p_owner, v_key.wallet_id, -v_key.amount, 0, p_now, 0::bigint,
                    NULL::bigint, v_key.balance, 0::bigint;
                RETURN;
            END IF;

            v_hold := -v_key.id;
            EXIT;
        END IF;

        EXIT WHEN v_pass = 2;
        SELECT w.id, w.cached_balance, w.allow_overdraft, w.frozen, w.held INTO v_wallet
        FROM wallets w WHERE w.owner_id = p_owner FOR UPDATE;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'N'::"char", false, 0::bigint, p_owner, 0::bigint, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
                0::bigint, 0::bigint;
            RETURN;
        END IF;
    END LOOP;

    IF v_hold IS NULL THEN
        v_replayed := false;
        IF v_wallet.frozen THEN
            RETURN QUERY SELECT 'Z'::"char", false, 0::bigint, p_owner, v_wallet.id, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
                0::bigint, 0::bigint;
            RETURN;
        END IF;

        IF NOT v_wallet.allow_overdraft AND v_wallet.cached_balance - v_wallet.held < p_amount THEN
            -- The cached held coins may include expired holds: the exact sum decides.
            SELECT coalesce(sum(h.amount), 0) INTO v_active FROM ledger_holds h
            WHERE h.wallet_id = v_wallet.id AND h.status = c_pending AND h.expires_at > p_now;
            IF v_wallet.cached_balance - v_active < p_amount THEN
                -- Kept under the key like a refused debit: a retry under it is refused again.
                INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at)
                VALUES (p_key, p_fingerprint, v_wallet.id, v_wallet.cached_balance - v_active, -p_amount, p_now);
                INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
                VALUES (p_key, c_op_hold, p_fingerprint, p_now);
                RETURN QUERY SELECT 'I'::"char", false, 0::bigint, p_owner, v_wallet.id, p_amount, 0, p_now, 0::bigint,
                    NULL::bigint, v_wallet.cached_balance - v_active, 0::bigint;
                RETURN;
            END IF;
        END IF;

        INSERT INTO ledger_holds (wallet_id, amount, status, captured, reason, meta, idempotency_key, request_fingerprint,
            expires_at, created_at, updated_at)
        VALUES (v_wallet.id, p_amount, c_pending, 0, p_reason, p_meta, p_key, p_fingerprint, p_expires, p_now, p_now)
        RETURNING id INTO v_hold;
        UPDATE wallets SET held = held + p_amount WHERE id = v_wallet.id;
        INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
        VALUES (p_key, c_op_hold, p_fingerprint, p_now);
    END IF;

    -- The hold as it stands, with its wallet's balance and the coins its pending holds reserve at p_now.
    RETURN QUERY SELECT 'H'::"char", v_replayed, h.id, w.owner_id, h.wallet_id, h.amount, h.status, h.expires_at, h.captured,
        h.capture_entry_id, w.cached_balance,
        (SELECT coalesce(sum(x.amount), 0)::bigint FROM ledger_holds x
         WHERE x.wallet_id = w.id AND x.status = c_pending AND x.expires_at > p_now)
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = v_hold;
END
$fn$;