package org.herald.gateway.smpp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.config.GatewayConfig;
import org.herald.gateway.ConfiguredGateway;
import org.herald.gateway.GatewayEvents;
import org.herald.gateway.OutgoingMessage;
import org.herald.gateway.SendResult;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageClass;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS over SMPP 3.4 (jSMPP): one transceiver session to the SMSC, kept bound by a keeper thread (rebinds after a
 * drop, enquire_link while idle), submit_sm with long texts split into concatenated segments, delivery receipts
 * turned into delivery status, and other deliver_sm into incoming messages.
 */
public final class SmppGateway extends ConfiguredGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmppGateway.class);
    /** SMSC answers that say "later", not "never": throttled, queue full, system error, submit failed. */
    private static final Set<Integer> TEMPORARY = Set.of(SMPPConstant.STAT_ESME_RTHROTTLED, SMPPConstant.STAT_ESME_RMSGQFUL,
            SMPPConstant.STAT_ESME_RSYSERR, SMPPConstant.STAT_ESME_RSUBMITFAIL, SMPPConstant.STAT_ESME_RX_T_APPN);

    private final SmppSettings settings;
    private final GatewayEvents events;
    private final IncomingParts parts = new IncomingParts();
    private final AtomicInteger concatRef = new AtomicInteger();
    private final Object bindLock = new Object();
    private final Object wake = new Object();
    private final Thread keeper;
    private volatile SMPPSession session;
    private volatile boolean closed;
    private volatile String lastBindError = "not bound yet";

    public SmppGateway(GatewayConfig config, GatewayEvents events) {
        super(config);
        this.settings = SmppSettings.from(config.id(), config.settings());
        this.events = events;
        this.keeper = Thread.ofVirtual().name("smpp-" + config.id()).start(this::keepBound);
    }

    @Override
    public String module() {
        return "smpp";
    }

    @Override
    public List<String> features() {
        return List.of("outgoing", "ingoing", "check_connection", "delivery_receipts");
    }

    @Override
    public SendResult send(OutgoingMessage m) {
        SMPPSession s;
        try {
            s = bound();
        } catch (IOException e) {
            return new SendResult.Temporary(id() + ": not bound to " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
        }
        String text = m.text() == null ? "" : m.text();
        List<SmsSegments.Segment> segments = SmsSegments.split(text, concatRef.getAndIncrement() & 0xFF);
        List<String> ids = new ArrayList<>(segments.size());
        try {
            for (SmsSegments.Segment segment : segments) ids.add(submit(s, m.to(), segment));
            return new SendResult.Accepted(String.join(",", ids));
        } catch (NegativeResponseException e) {
            String reason = id() + ": the SMSC refused the message: " + statusName(e.getCommandStatus());
            return TEMPORARY.contains(e.getCommandStatus()) ? new SendResult.Temporary(reason) : new SendResult.Permanent(reason);
        } catch (ResponseTimeoutException e) {
            return new SendResult.Temporary(id() + ": no submit_sm_resp within " + settings.responseTimeout());
        } catch (PDUException e) {
            return new SendResult.Permanent(id() + ": the message cannot be encoded: " + e.getMessage());
        } catch (InvalidResponseException | IOException e) {
            return new SendResult.Temporary(id() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            // even a partly sent text: receipts for the segments that went must find their delivery
            if (!ids.isEmpty()) events.sentAs(id(), ids, m.deliveryId());
        }
    }

    private String submit(SMPPSession s, String to, SmsSegments.Segment segment)
            throws PDUException, ResponseTimeoutException, InvalidResponseException, NegativeResponseException, IOException {
        ESMClass esm = segment.udh() ? new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI) : new ESMClass();
        RegisteredDelivery receipt = new RegisteredDelivery(settings.receipts() ? SMSCDeliveryReceipt.SUCCESS_FAILURE : SMSCDeliveryReceipt.DEFAULT);
        GeneralDataCoding coding = new GeneralDataCoding(segment.ucs2() ? Alphabet.ALPHA_UCS2 : Alphabet.ALPHA_DEFAULT, (MessageClass) null, false);
        boolean international = to.startsWith("+");
        return s.submitShortMessage("", settings.sourceTon(), settings.sourceNpi(), settings.sourceAddr(),
                international ? TypeOfNumber.INTERNATIONAL : TypeOfNumber.UNKNOWN,
                international ? NumberingPlanIndicator.ISDN : NumberingPlanIndicator.UNKNOWN, to.replaceAll("[^0-9]", ""),
                esm, (byte) 0, (byte) 1, null, null, receipt, (byte) 0, coding, (byte) 0, segment.bytes()).getMessageId();
    }

    @Override
    public String check() {
        try {
            bound();
            return null;
        } catch (IOException e) {
            return "cannot bind to " + settings.host() + ":" + settings.port() + ": " + e.getMessage();
        }
    }

    private boolean isBound() {
        SMPPSession s = session;
        return s != null && s.getSessionState().isBound();
    }

    private SMPPSession bound() throws IOException {
        SMPPSession s = session;
        if (s != null && s.getSessionState().isBound()) return s;
        return bind();
    }

    private SMPPSession bind() throws IOException {
        synchronized (bindLock) {
            if (closed) throw new IOException("the gateway is closed");
            SMPPSession current = session;
            if (current != null && current.getSessionState().isBound()) return current;
            if (current != null) current.close();
            SMPPSession s = new SMPPSession();
            s.setEnquireLinkTimer((int) settings.enquireLink().toMillis());
            s.setTransactionTimer(settings.responseTimeout().toMillis());
            s.setMessageReceiverListener(new Receiver());
            s.addSessionStateListener(this::stateChanged);
            try {
                s.connectAndBind(settings.host(), settings.port(), new BindParameter(BindType.BIND_TRX, settings.systemId(),
                        settings.password(), settings.systemType(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null),
                        settings.bindTimeout().toMillis());
            } catch (IOException e) {
                s.close();
                lastBindError = e.getMessage();
                throw e;
            }
            session = s;
            log.info("gateway {}: bound to SMSC {}:{} as {}", id(), settings.host(), settings.port(), settings.systemId());
            return s;
        }
    }

    private void stateChanged(SessionState now, SessionState before, Session source) {
        if (closed || source != session) return;
        if (now == SessionState.CLOSED || now == SessionState.UNBOUND) {
            log.warn("gateway {}: the SMPP session to {}:{} went {} (was {}); rebinding", id(), settings.host(), settings.port(),
                    now, before);
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    /** Keeps the session bound while no send asks, so receipts and incoming SMS keep arriving. */
    private void keepBound() {
        while (!closed) {
            if (!isBound()) {
                try {
                    bind();
                } catch (IOException e) {
                    log.warn("gateway {}: cannot bind to SMSC {}:{}: {}; trying again in {}", id(), settings.host(), settings.port(),
                            e.getMessage(), settings.rebindDelay());
                }
            }
            try {
                synchronized (wake) {
                    if (!closed) wake.wait(settings.rebindDelay().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        keeper.interrupt();
        synchronized (bindLock) {
            SMPPSession s = session;
            if (s != null) s.unbindAndClose();
            session = null;
        }
    }

    private static String statusName(int status) {
        return switch (status) {
            case SMPPConstant.STAT_ESME_RINVDSTADR -> "invalid destination address (0x0B)";
            case SMPPConstant.STAT_ESME_RINVSRCADR -> "invalid source address (0x0A)";
            case SMPPConstant.STAT_ESME_RTHROTTLED -> "throttled (0x58)";
            case SMPPConstant.STAT_ESME_RMSGQFUL -> "message queue full (0x14)";
            case SMPPConstant.STAT_ESME_RSYSERR -> "system error (0x08)";
            case SMPPConstant.STAT_ESME_RSUBMITFAIL -> "submit failed (0x45)";
            default -> String.format("command status 0x%02X", status);
        };
    }

    /** deliver_sm from the SMSC: receipts for Herald's messages and messages sent to Herald's numbers. */
    private final class Receiver implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm sm) throws ProcessRequestException {
            if (MessageType.SMSC_DEL_RECEIPT.containedIn(sm.getEsmClass())) {
                receipt(sm);
                return;
            }
            boolean ucs2 = (sm.getDataCoding() & 0x0F) == 0x08 || sm.getDataCoding() == 0x08;
            String sender = (sm.getSourceAddrTon() == TypeOfNumber.INTERNATIONAL.value() ? "+" : "") + sm.getSourceAddr();
            Optional<String> text = parts.add(sender, sm.getShortMessage() == null ? new byte[0] : sm.getShortMessage(),
                    sm.isUdhi(), ucs2);
            text.ifPresent(t -> events.incoming(id(), config.channel(), sender, sm.getDestAddress(), null, t, null));
        }

        private void receipt(DeliverSm sm) {
            DeliveryReceipt r;
            try {
                r = sm.getShortMessageAsDeliveryReceipt();
            } catch (InvalidDeliveryReceiptException e) {
                log.warn("gateway {}: a delivery receipt that cannot be read: {}", id(), e.getMessage());
                return;
            }
            OptionalParameter.COctetString receipted = sm.getOptionalParameter(OptionalParameter.Receipted_message_id.class);
            String messageId = receipted != null ? receipted.getValueAsString() : r.getId();
            DeliveryReceiptState state = r.getFinalStatus();
            if (state == DeliveryReceiptState.ENROUTE || state == DeliveryReceiptState.ACCEPTD) return; // not final yet
            boolean delivered = state == DeliveryReceiptState.DELIVRD;
            events.receipt(id(), messageId, delivered, delivered ? null : "the SMSC reports " + state + " (err " + r.getError() + ")");
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alert) {
            // Herald does not hold messages for absent subscribers: the SMSC does
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }
}
