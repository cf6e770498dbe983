CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries are immutable: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$$;