package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.tse.TseSigning;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Signs one operation and records the outcome on it, for goods movements and session events alike: a
 * signature sets {@code fiscal_information} and the TSE transaction number; a phase-2 failure keeps the
 * started transaction so that the next attempt finishes it instead of starting another; every attempt is
 * audited (API.md §8.5).
 */
@ApplicationScoped
public class OperationSigner {

    private final TseSigning signing;
    private final OperationJson json;

    public OperationSigner(TseSigning signing, OperationJson json) {
        this.signing = signing;
        this.json = json;
    }

    /** {@code action} and {@code note} go to the audit log. */
    public Uni<TseSigning.Outcome> sign(
            OperationEntity o, RegisterEntity r, String processData, String action, String note) {
        ObjectNode startEvent = o.tseStartedEvent == null ? null : (ObjectNode) json.parse(o.tseStartedEvent);
        return signing.sign(r, processData, o.tseStartedTransaction, startEvent).flatMap(outcome -> {
            if (outcome instanceof TseSigning.Signed s) {
                signed(o, s);
                return OperationAuditEntity.record(o.id, action, "signed", null, s.transactionNumber(), note)
                        .replaceWith(outcome);
            }
            TseSigning.Failed f = (TseSigning.Failed) outcome;
            if (f.phase() == 2) {
                o.tseStartedTransaction = f.startedTransaction();
                o.tseStartedEvent = json.write(f.startEvent());
            }
            return OperationAuditEntity.record(o.id, action, "failed", f.phase(), f.startedTransaction(), f.message())
                    .replaceWith(outcome);
        });
    }

    /** The signature recorded on the operation: {@code fiscal_information} and the transaction number. */
    void signed(OperationEntity o, TseSigning.Signed s) {
        o.fiscalInformation = json.write(s.fiscalInformation());
        o.tseTransactionNumber = s.transactionNumber();
        o.tseStartedTransaction = null;
        o.tseStartedEvent = null;
    }
}
