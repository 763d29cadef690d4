package com.openfiskal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A year of one busy register as the fiscalization-service publishes it: {@code register.fiscalized}, then
 * per day SESSION_OPEN, the day's receipts (three lines, cash + girocard), SESSION_CLOSE, each as
 * {@code operation.completed} with {@code fiscal_information} signed by a real P-256 key exactly as the
 * software TSE signs (TR-03151 log, plain r‖s), and {@code session.closed} with its operation ids and master
 * data. Written to Kafka, it takes the export-service's real event path: projections, closings, exports.
 */
final class YearFeed {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String merchant = Ids.next(Ids.MERCHANT);
    final String register = Ids.next(Ids.REGISTER);
    final List<String> sessionIds = new ArrayList<>();
    /** session id → when its session.closed was handed to Kafka. */
    final Map<String, Instant> closedSent = new LinkedHashMap<>();

    private final KafkaProducer<String, String> producer;
    private final KeyPair pair;
    private final String serial;
    private final LogMessageWriter writer;
    private long counter;
    private long transaction;

    YearFeed(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        p.put("compression.type", "none");
        producer = new KafkaProducer<>(p);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        pair = g.generateKeyPair();
        serial = HexFormat.of().formatHex(TseKeys.serialNumber((ECPublicKey) pair.getPublic()));
        writer = new LogMessageWriter(
                HexFormat.of().parseHex(serial), TseAlgorithms.ECDSA_PLAIN_SHA256, pair.getPrivate());
    }

    /** Publishes the year; paces the sessions to {@code receiptsPerSecond} (0 = as fast as possible). */
    void publish(Instant yearStart, int sessions, int perSession, int receiptsPerSecond) throws Exception {
        fiscalized(yearStart);
        long t0 = System.nanoTime();
        long sent = 0;
        for (int day = 0; day < sessions; day++) {
            Instant t = yearStart.plus(Duration.ofDays(day)).plus(Duration.ofHours(8));
            String session = Ids.next(Ids.SESSION);
            sessionIds.add(session);
            List<String> ids = new ArrayList<>();
            ids.add(send(sessionEvent(session, "SESSION_OPEN", "opening_balance_amount", "0.00", t)));
            for (int i = 0; i < perSession; i++) {
                t = t.plusSeconds(100);
                ids.add(send(receipt(session, t)));
            }
            t = t.plusSeconds(60);
            BigDecimal cash = new BigDecimal("6.04").multiply(BigDecimal.valueOf(perSession));
            ids.add(send(sessionEvent(
                    session,
                    "SESSION_CLOSE",
                    "closing_transfer_amount",
                    cash.negate().toPlainString(),
                    t)));
            sessionClosed(session, day + 1, t.plusMillis(5), ids);
            sent += perSession;
            if (receiptsPerSecond > 0) {
                long due = t0 + (long) (sent * 1e9 / receiptsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
        }
        producer.flush();
        producer.close();
    }

    private void fiscalized(Instant at) throws Exception {
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        X500Name name = new X500Name("CN=UNCERTIFIED SOFTWARE TSE - NOT FOR FISCAL USE,SERIALNUMBER=" + serial);
        byte[] cert = new JcaX509v3CertificateBuilder(
                        name, BigInteger.ONE, Date.from(at), Date.from(at.plus(Duration.ofDays(3650))), name, pub)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
                .getEncoded();
        ObjectNode d = JSON.createObjectNode();
        d.put("register_id", register)
                .put("location_id", Ids.next(Ids.LOCATION))
                .put("regime", "KassenSichV");
        d.put("fiscalized_at", at.toString()).putNull("decommissioned_at");
        d.put("tss_serial_number", serial).put("client_serial_number", register);
        d.put("signature_algorithm", "ecdsa-plain-SHA256").put("time_format", "unixTime");
        d.put("public_key", Base64.getEncoder().encodeToString(TseKeys.uncompressedPoint(pub)));
        d.put("certificate", Base64.getEncoder().encodeToString(cert));
        producer.send(record(Topics.REGISTERS, Topics.REGISTER_FISCALIZED, at, d))
                .get();
    }

    private ObjectNode receipt(String session, Instant t) throws Exception {
        ObjectNode op = operation(session, "SALE", t);
        op.put("pretax_amount", "14.00")
                .put("tax_amount", "2.04")
                .put("tip_amount", "0.00")
                .put("total_amount", "16.04");
        ArrayNode lines = op.putArray("line_items");
        line(lines, "Café Latte", 2, "5.95", "11.90", "0.19", "1.90");
        line(lines, "Croissant", 1, "2.14", "2.14", "0.07", "0.14");
        line(lines, "Wasser", 1, "2.00", "2.00", "0", "0.00");
        ArrayNode pay = op.putArray("payments");
        pay.addObject()
                .put("method", "cash")
                .put("status", "captured")
                .put("amount", "6.04")
                .put("currency", "EUR");
        pay.addObject()
                .put("method", "card")
                .put("status", "captured")
                .put("amount", "10.00")
                .put("currency", "EUR")
                .put("card_brand", "girocard");
        String pd = ProcessData.receipt(
                List.of(
                        new ProcessData.Line(new BigDecimal("11.90"), new BigDecimal("0.19"), false),
                        new ProcessData.Line(new BigDecimal("2.14"), new BigDecimal("0.07"), false),
                        new ProcessData.Line(new BigDecimal("2.00"), BigDecimal.ZERO, false)),
                BigDecimal.ZERO,
                List.of(
                        new ProcessData.Leg("cash", new BigDecimal("6.04")),
                        new ProcessData.Leg("card", new BigDecimal("10.00"))));
        op.put("completed_at", t.plusSeconds(20).toString());
        sign(op, pd, t.plusSeconds(19));
        return op;
    }

    private static void line(
            ArrayNode lines, String title, int qty, String unit, String total, String rate, String tax) {
        ObjectNode l = lines.addObject();
        l.put("title", title)
                .put("quantity", qty)
                .put("unit_price", unit)
                .put("total_amount", total)
                .putNull("type");
        l.putArray("taxes").addObject().put("rate", rate).put("tax_amount", tax);
    }

    private ObjectNode sessionEvent(String session, String type, String field, String amount, Instant t)
            throws Exception {
        ObjectNode op = operation(session, type, t);
        op.put(field, amount);
        sign(op, ProcessData.sessionEvent(new BigDecimal(amount)), t);
        return op;
    }

    private ObjectNode operation(String session, String type, Instant t) {
        ObjectNode op = JSON.createObjectNode();
        op.put("id", Ids.next(Ids.OPERATION))
                .put("merchant_id", merchant)
                .put("type", type)
                .put("source", "POS");
        op.put("status", "COMPLETED")
                .put("currency", "EUR")
                .put("register_id", register)
                .put("session_id", session);
        op.put("created_at", t.toString());
        return op;
    }

    private void sign(ObjectNode op, String processData, Instant at) throws Exception {
        long number = ++transaction;
        long startCounter = ++counter;
        byte[] start = writer.transactionLog("StartTransaction", register, new byte[0], "", number, startCounter, at);
        long finishCounter = ++counter;
        byte[] finish = writer.transactionLog(
                "FinishTransaction",
                register,
                processData.getBytes(StandardCharsets.UTF_8),
                ProcessData.PROCESS_TYPE,
                number,
                finishCounter,
                at.plusSeconds(1));
        ObjectNode fi = op.putObject("fiscal_information");
        fi.put("regime", "KassenSichV").put("tse_certified", false).put("tss_serial_number", serial);
        fi.put("pos_client_serial_number", register).put("document_number", number);
        fi.put("signature_algorithm", "ecdsa-plain-SHA256").put("time_format", "unixTime");
        fi.putObject("start_event")
                .put("signed_at", at.toString())
                .put("transaction_counter", startCounter)
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(LogMessage.parse(start).signatureValue()));
        fi.putObject("end_event")
                .put("signed_at", at.plusSeconds(1).toString())
                .put("transaction_counter", finishCounter)
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(LogMessage.parse(finish).signatureValue()));
        fi.put("process_type", ProcessData.PROCESS_TYPE).put("process_data", processData);
    }

    private String send(ObjectNode op) {
        ObjectNode d = JSON.createObjectNode();
        d.set("operation", op);
        producer.send(record(Topics.OPERATIONS, Topics.OPERATION_COMPLETED, Instant.now(), d));
        return op.path("id").asText();
    }

    private void sessionClosed(String session, long closingNumber, Instant closedAt, List<String> ids) {
        ObjectNode d = JSON.createObjectNode();
        ObjectNode s = d.putObject("session");
        s.put("id", session).put("register_id", register).put("currency", "EUR").put("closing_number", closingNumber);
        s.put("closed_at", closedAt.toString());
        d.put("operation_count", ids.size());
        ArrayNode list = d.putArray("operation_ids");
        ids.forEach(list::add);
        ObjectNode md = d.putObject("master_data");
        ObjectNode m = md.putObject("merchant");
        m.put("legal_name", "Bench GmbH").put("tax_number", "2981508150").put("vat_id", "DE123456789");
        address(m.putObject("address"));
        ObjectNode l = md.putObject("location");
        l.put("name", "Filiale").put("timezone", "Europe/Berlin");
        address(l.putObject("address"));
        md.putObject("register").put("name", "Kasse 1").putNull("external_id").put("client_serial_number", register);
        producer.send(record(Topics.SESSIONS, Topics.SESSION_CLOSED, closedAt, d));
        closedSent.put(session, Instant.now());
    }

    private static void address(ObjectNode a) {
        a.put("line1", "Oranienstraße 12")
                .putNull("line2")
                .put("city", "Berlin")
                .put("postal_code", "10999");
        a.put("country_code", "DEU");
    }

    private ProducerRecord<String, String> record(String topic, String type, Instant at, ObjectNode data) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", Ids.next(Ids.EVENT)).put("type", type).put("schema_version", 1);
        e.put("occurred_at", at.toString()).put("environment", "test").put("tenant_id", "ten_bench");
        e.put("merchant_id", merchant).put("register_id", register);
        e.set("data", data);
        return new ProducerRecord<>(topic, register, e.toString());
    }
}
