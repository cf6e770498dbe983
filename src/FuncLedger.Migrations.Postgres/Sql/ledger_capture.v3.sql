-- ledger_capture v3: as v2, through ledger_post v4, its entries recorded as a hold's capture (EntrySource.HoldCapture).
-- v2 read the hold (the first row, for the caller's checks), then captured it through ledger_post v3. Since v1:
-- the key that closes the hold (p_closed_key: the client's, registered when p_register, or one the ledger made) is recorded
-- on it, so a retry of the same capture finds its hold captured under its own key and replays through ledger_post (which
-- answers from the capture's entries); a client key that named another request is answered as a conflict first ('R').
CREATE FUNCTION ledger_capture(
    p_hold bigint, p_amount bigint, p_to bigint, p_reason text, p_key text, p_credit_key text, p_fingerprint text,
    p_closed_key text, p_register boolean, p_now timestamptz)
RETURNS TABLE (o_kind "char", o_n integer, o_id bigint, o_wallet bigint, o_amount bigint, o_balance bigint,
    o_key text, o_fingerprint text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 SET search_path = public, pg_temp AS $fn$
DECLARE
    c_pending CONSTANT integer := 0;  -- HoldStatus.Pending
    c_op_capture CONSTANT smallint := 6;  -- LedgerOperation.Capture
    c_source CONSTANT smallint := 6;  -- EntrySource.HoldCapture
    v record;
    v_amount bigint;
    v_reason text;
    v_client text := CASE WHEN p_register THEN p_closed_key END;
BEGIN
    IF p_register THEN
        RETURN QUERY SELECT 'R'::"char", 0, 0::bigint, 0::bigint, c.operation::bigint, 0::bigint, c.idempotency_key::text,
            c.request_fingerprint::text
        FROM client_keys c WHERE c.idempotency_key = p_closed_key AND c.request_fingerprint <> p_fingerprint;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

    SELECT h.amount, h.status, h.expires_at, h.reason, h.meta, h.closed_key, w.owner_id INTO v
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = p_hold;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    -- The hold as read, for the caller's checks (status, expiry, amount, payee): o_n its status, o_id its amount, o_wallet its
    -- owner, o_amount the coins to capture, o_balance its expiry (microseconds since 1970), o_key the reason, o_fingerprint
    -- its meta. When a check fails nothing more is done; otherwise ledger_post checks the hold again under the lock. A hold
    -- this capture closed already (a retry under its key) goes on: ledger_post answers from the capture's entries.
    v_amount := coalesce(p_amount, v.amount);
    v_reason := coalesce(p_reason, v.reason);
    RETURN QUERY SELECT 'h'::"char", v.status, v.amount, v.owner_id, v_amount,
        (extract(epoch FROM v.expires_at) * 1000000)::bigint, v_reason, v.meta::text;
    IF (v.status <> c_pending AND v.closed_key IS DISTINCT FROM p_closed_key) OR (v.status = c_pending AND v.expires_at <= p_now)
        OR v_amount > v.amount OR p_to = v.owner_id THEN
        RETURN;
    END IF;

    IF p_to IS NULL THEN
        RETURN QUERY SELECT * FROM ledger_post(ARRAY[v.owner_id], ARRAY[-v_amount], ARRAY[v_reason], ARRAY[p_key],
            ARRAY[p_fingerprint], ARRAY[v.meta::text], ARRAY[c_source], ARRAY[false], ARRAY[false], ARRAY[false], p_now, p_hold, v_amount,
            p_closed_key, v_client, c_op_capture, p_fingerprint, NULL);
    ELSE
        RETURN QUERY SELECT * FROM ledger_post(ARRAY[v.owner_id, p_to], ARRAY[-v_amount, v_amount], ARRAY[v_reason, v_reason],
            ARRAY[p_key, p_credit_key], ARRAY[p_fingerprint, p_fingerprint], ARRAY[v.meta::text, v.meta::text],
            ARRAY[c_source, c_source], ARRAY[false, true], ARRAY[false, false], ARRAY[false, false], p_now, p_hold, v_amount,
            p_closed_key, v_client, c_op_capture, p_fingerprint, NULL);
    END IF;
END
$fn$;
