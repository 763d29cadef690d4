package com.openfiskal.receipts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.local.OpenFiskalStackResource;
import com.openfiskal.local.testing.IdentityFixtures;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * operation.completed events as the fiscalization-service publishes them (API.md §11.3), for the sale of
 * API.md §6.6 / §10.1, published to the real broker. The system tests cover events from a real sale.
 */
public final class ReceiptEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PEPPER = "test-pepper-not-for-production";

    private ReceiptEvents() {}

    public static IdentityFixtures identities() {
        return new IdentityFixtures(OpenFiskalStackResource.bootstrapServers(), PEPPER);
    }

    /** The envelope of a completed operation of {@code type} for the merchant, with a fresh operation id. */
    public static ObjectNode completed(IdentityFixtures.Identity who, String type) throws Exception {
        String opId = Ids.next(Ids.OPERATION);
        String json = TEMPLATE.replace("$OP", opId)
                .replace("$MERCHANT", who.merchantId())
                .replace("$TENANT", who.tenantId())
                .replace("$EVT", Ids.next(Ids.EVENT))
                .replace("$TYPE", type);
        ObjectNode event = (ObjectNode) JSON.readTree(json);
        if (type.startsWith("SESSION_")) {
            ObjectNode op = (ObjectNode) event.path("data").path("operation");
            op.remove("line_items");
            op.remove("payments");
            op.remove("total_amount");
        }
        return event;
    }

    public static String operationId(ObjectNode event) {
        return event.path("data").path("operation").path("id").asText();
    }

    public static String qrData(ObjectNode event) {
        return event.path("data")
                .path("operation")
                .path("fiscal_information")
                .path("verification")
                .path("qr_data")
                .asText();
    }

    public static void publish(ObjectNode... events) {
        Properties p = new Properties();
        p.put("bootstrap.servers", OpenFiskalStackResource.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (ObjectNode e : events) {
                // keyed as the outbox keys them: by register, ONLINE operations by merchant (API.md §11.1)
                String key = e.hasNonNull("register_id")
                        ? e.path("register_id").asText()
                        : e.path("merchant_id").asText();
                producer.send(new ProducerRecord<>(Topics.OPERATIONS, key, e.toString()));
            }
            producer.flush();
        }
    }

    private static final String TEMPLATE = """
            {"event_id":"$EVT","type":"operation.completed","schema_version":1,
             "occurred_at":"2026-03-14T10:15:03.500Z","environment":"test","tenant_id":"$TENANT",
             "merchant_id":"$MERCHANT","register_id":"reg_01KJPW8P00S2NPZ59C22QQK9F9",
             "data":{
              "operation":{"id":"$OP","merchant_id":"$MERCHANT","type":"$TYPE","source":"POS","status":"COMPLETED",
               "currency":"EUR","register_id":"reg_01KJPW8P00S2NPZ59C22QQK9F9","location_id":"loc_01KJPW5YA6070DD3J99KBW8J6D",
               "session_id":"ses_01KKNNMNTJMYHVMRZV2QJJRXWX","note":null,"operator":null,
               "pretax_amount":"12.00","tax_amount":"2.04","tip_amount":"0.96","total_amount":"15.00",
               "line_items":[
                {"id":"li_01KKNXF0CGFXCJHVBPQH903EK1","title":"Café Latte","quantity":2,"unit_price":"5.95","total_amount":"11.90",
                 "type":null,"taxes":[{"id":"tax_01KKNXF0CGFXCJHVBPQH903EK2","name":"USt","rate":"0.19","tax_amount":"1.90"}]},
                {"id":"li_01KKNXF0CG4B48B6EXGE7SR2DA","title":"Croissant","quantity":1,"unit_price":"2.14","total_amount":"2.14",
                 "type":null,"taxes":[{"id":"tax_01KKNXF0CG4B48B6EXGE7SR2DB","name":"USt","rate":"0.07","tax_amount":"0.14"}]}],
               "cart_level_discounts":[{"id":"disc_01KKNXF0CGTT0ZY5Q3183B08BQ","description":"Stammkunden-Rabatt","amount":"0.50"}],
               "payments":[
                {"id":"pay_01KKNXF0CGTT0ZY5Q3183B08B1","payment_id":"p1","method":"cash","status":"captured","amount":"5.00","currency":"EUR",
                 "processor":null,"processor_reference":null,"card_brand":null,"processed_at":"2026-03-14T10:15:01.000Z","gift_card_id":null},
                {"id":"pay_01KKNXF0CGTT0ZY5Q3183B08B2","payment_id":"p2","method":"card","status":"captured","amount":"10.00","currency":"EUR",
                 "processor":"stripe","processor_reference":"ch_3PqL9x","card_brand":"visa","processed_at":"2026-03-14T10:15:01.000Z","gift_card_id":null}],
               "related_operation_id":null,"external_related_operation":null,"external_id":"POS-001-000482",
               "void_reason":null,"completed_at":"2026-03-14T10:15:03.482Z","voided_at":null,
               "fiscal_information":{"regime":"KassenSichV","tse_certified":false,
                "tss_serial_number":"447c1b9f11f26410307b784420190fd7cad786e91896da410f5447a0ff25e35a",
                "pos_client_serial_number":"reg_01KJPW8P00S2NPZ59C22QQK9F9","document_number":1287,
                "signature_algorithm":"ecdsa-plain-SHA256","time_format":"unixTime",
                "start_event":{"signed_at":"2026-03-14T10:15:02.000Z","transaction_counter":2573,"signature":"MEUCIQDx"},
                "end_event":{"signed_at":"2026-03-14T10:15:03.000Z","transaction_counter":2574,
                 "signature":"lnhSpGgRj1/NTUlIASosVhMIpFAoEOUC12CABupiyFOragBnmSMfXOvLZzLhEyXWPwQGbd0cDrROKTZhFAGI+w=="},
                "process_type":"Kassenbeleg-V1","process_data":"Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar",
                "verification":{"qr_data":"V0;reg_01KJPW8P00S2NPZ59C22QQK9F9;Kassenbeleg-V1;Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar;1287;2574;2026-03-14T10:15:02.000Z;2026-03-14T10:15:03.000Z;ecdsa-plain-SHA256;unixTime;lnhSpGgRj1/NTUlIASosVhMIpFAoEOUC12CABupiyFOragBnmSMfXOvLZzLhEyXWPwQGbd0cDrROKTZhFAGI+w==;BPBfTqVWIJM3WBVBNKNJtpuLlT+T4uJ/52XqU/ne50V3JnBCIrwGtsbdVxas0KDQ5BCi9+iXKv3YNs9aDZ9Farg="}},
               "fiscal_error":null,"resource_version":3,
               "created_at":"2026-03-14T10:14:58.000Z","updated_at":"2026-03-14T10:15:03.482Z"},
              "issuer":{
               "merchant":{"legal_name":"Café Morgenrot GmbH","tax_number":"29/815/08150","vat_id":"DE123456789",
                "address":{"line1":"Unter den Linden 1","line2":null,"city":"Berlin","postal_code":"10117","country_code":"DEU"}},
               "location":{"name":"Filiale Kreuzberg","timezone":"Europe/Berlin",
                "address":{"line1":"Oranienstraße 12","line2":null,"city":"Berlin","postal_code":"10999","country_code":"DEU"}},
               "register":{"name":"Kasse 1","external_id":"POS-001","client_serial_number":"reg_01KJPW8P00S2NPZ59C22QQK9F9"},
               "public_key":"BPBfTqVWIJM3WBVBNKNJtpuLlT+T4uJ/52XqU/ne50V3JnBCIrwGtsbdVxas0KDQ5BCi9+iXKv3YNs9aDZ9Farg="}}}
            """;
}
