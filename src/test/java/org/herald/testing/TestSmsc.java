package org.herald.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;

/**
 * An SMSC for tests, on jSMPP's server side: accepts binds with one password, records submit_sm, answers with
 * message ids (or a scripted error status), and sends receipts and mobile-originated messages on request.
 */
public final class TestSmsc implements AutoCloseable, ServerMessageReceiverListener {
    /** One submit_sm as it arrived. */
    public record Submitted(String messageId, String destination, byte esmClass, byte dataCoding, byte registeredDelivery,
                            String sourceAddr, byte[] shortMessage) {
        public boolean udhi() {
            return (esmClass & 0x40) != 0;
        }
    }

    private final String password;
    private final int port;
    private final SMPPServerSessionListener listener;
    private final Thread acceptor;
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    public final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    /** Command statuses to answer the next submits with (0 or none: accept). */
    public final ConcurrentLinkedDeque<Integer> refusals = new ConcurrentLinkedDeque<>();
    public final AtomicInteger binds = new AtomicInteger();
    public final AtomicInteger enquireLinks = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private volatile boolean closed;

    public TestSmsc(String password) throws IOException {
        this.password = password;
        try (ServerSocket probe = new ServerSocket(0)) {
            this.port = probe.getLocalPort();
        }
        this.listener = new SMPPServerSessionListener(port);
        listener.setMessageReceiverListener(this);
        this.acceptor = Thread.ofPlatform().daemon().name("test-smsc").start(this::acceptLoop);
    }

    public int port() {
        return port;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SMPPServerSession session = listener.accept();
                Thread.ofVirtual().start(() -> bind(session));
            } catch (IOException e) {
                if (!closed) e.printStackTrace();
            }
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(5000);
            if (!password.equals(request.getPassword())) {
                request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
                return;
            }
            request.accept("test-smsc");
            sessions.add(session);
            binds.incrementAndGet();
        } catch (IOException | TimeoutException | PDUStringException | IllegalStateException e) {
            session.close();
        }
    }

    /** Drops every bound session, as an SMSC restart or a network cut would. */
    public void dropSessions() {
        for (SMPPServerSession s : sessions) s.close();
        sessions.clear();
    }

    public int boundSessions() {
        return (int) sessions.stream().filter(s -> s.getSessionState().isBound()).count();
    }

    /** A delivery receipt for one of the submitted messages. */
    public void receipt(String messageId, DeliveryReceiptState state, String error) throws Exception {
        Submitted s = submitted.stream().filter(x -> x.messageId().equals(messageId)).findFirst().orElseThrow();
        Date now = new Date();
        String text = new DeliveryReceipt(messageId, 1, state == DeliveryReceiptState.DELIVRD ? 1 : 0, now, now, state, error, "")
                .toString();
        session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, s.destination(),
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, s.sourceAddr(),
                new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
                new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A message from a handset ({@code from} in international form) to Herald's number. */
    public void incoming(String from, String to, byte[] shortMessage, boolean udhi, byte dataCoding) throws Exception {
        session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from.replace("+", ""),
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, to,
                new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, udhi ? GSMSpecificFeature.UDHI : GSMSpecificFeature.DEFAULT),
                (byte) 0, (byte) 0, new RegisteredDelivery(0), DataCodings.newInstance(dataCoding), shortMessage);
    }

    private SMPPServerSession session() {
        return sessions.stream().filter(s -> s.getSessionState().isBound()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no bound session"));
    }

    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm sm, SMPPServerSession source) throws ProcessRequestException {
        Integer refusal = refusals.poll();
        if (refusal != null && refusal != 0) throw new ProcessRequestException("refused by the test", refusal);
        String id = Integer.toString(ids.incrementAndGet());
        submitted.add(new Submitted(id, sm.getDestAddress(), sm.getEsmClass(), sm.getDataCoding(), sm.getRegisteredDelivery(),
                sm.getSourceAddr(), sm.getShortMessage()));
        try {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
        } catch (PDUStringException e) {
            throw new ProcessRequestException(e.getMessage(), SMPPConstant.STAT_ESME_RSYSERR);
        }
    }

    @Override
    public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
        enquireLinks.incrementAndGet();
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        dropSessions();
        listener.close();
        acceptor.interrupt();
    }
}
