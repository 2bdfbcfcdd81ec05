package org.herald.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.herald.channel.Channel;
import org.herald.channel.ChannelRegistry;
import org.herald.channel.browser.BrowserChannel;
import org.herald.channel.inbox.InboxChannel;
import org.herald.channel.webpush.PushCleanup;
import org.herald.channel.webpush.WebPush;
import org.herald.channel.webpush.WebPushChannel;
import org.herald.auth.PushContactSecrets;
import org.herald.config.WebPushConfig;
import org.herald.http.PushRoutes;
import org.herald.http.CommandRoutes;
import org.herald.commands.CommandRunner;
import org.herald.compat.Abills;
import org.herald.commands.ResultNotifier;
import org.herald.store.CommandStore;
import org.herald.http.BlfRoutes;
import org.herald.http.TemplateRoutes;
import org.herald.http.GatewayRoutes;
import org.herald.gateway.GatewayFactory;
import org.herald.gateway.GatewayRegistry;
import org.herald.gateway.StoredGatewayEvents;
import org.herald.store.GatewayMessageStore;
import org.herald.gateway.Mailboxes;
import org.herald.http.IncomingRoutes;
import org.herald.store.IncomingStore;
import org.herald.channel.gateway.GatewayChannel;
import org.herald.template.FileTemplates;
import org.herald.template.TemplateFiles;
import org.herald.http.ConsoleRoutes;
import org.herald.telephony.Telephony;
import org.herald.http.PresenceRoutes;
import org.herald.http.ClusterRoutes;
import org.herald.http.StaticRoutes;
import org.herald.http.TopicRoutes;
import org.herald.hub.Bus;
import org.herald.hub.Frames;
import org.herald.hub.Hub;
import org.herald.hub.HubSettings;
import org.herald.hub.LocalBus;
import org.herald.hub.Presence;
import org.herald.cluster.ClusterNode;
import org.herald.core.RecipientId;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.herald.hub.TopicSnapshots;
import org.herald.hub.WebSocketEndpoint;
import org.herald.store.BrowserStore;
import org.herald.config.HeraldConfig;
import org.herald.core.Durations;
import org.herald.http.ApiServices;
import org.herald.http.Auth;
import org.herald.http.Handlers;
import org.herald.http.HttpApi;
import org.herald.auth.ApiKeys;
import org.herald.auth.ClientTokens;
import org.herald.pipeline.NotificationRequestParser;
import org.herald.pipeline.IncomingNotifier;
import org.herald.pipeline.NotificationService;
import org.herald.pipeline.RecipientContent;
import org.herald.queue.Dispatcher;
import org.herald.queue.QueueSettings;
import org.herald.queue.Sweeper;
import org.herald.store.ApiKeyStore;
import org.herald.store.Database;
import org.herald.store.DeliveryStore;
import org.herald.store.GroupCommit;
import org.herald.store.InboxStore;
import org.herald.store.NotificationStore;
import org.herald.store.RecipientStore;
import org.herald.store.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires every part of Herald from the configuration, starts them in order and stops them in reverse. */
public final class HeraldServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);
    /** Topic of online/offline events of recipients (first connection, last disconnection). */
    public static final String PRESENCE_TOPIC = "presence";
    /**
     * Writers of each group commit (accepts, inbox items) on PostgreSQL/MariaDB: several commits in flight let the
     * server overlap their fsyncs. H2 serializes commits anyway, so there one writer makes the largest batches.
     */
    private static final int GROUP_COMMIT_WRITERS = 4;

    private final HeraldConfig config;
    private final Clock clock;
    private final List<Channel> extraChannels;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Database database;
    private Dispatcher dispatcher;
    private Sweeper sweeper;
    private final TopicSnapshots snapshots = new TopicSnapshots();
    private Hub hub;
    private ClusterNode cluster;
    private PushCleanup pushCleanup;
    private Telephony telephony;
    private GatewayRegistry gateways;
    private Mailboxes mailboxes;
    private Abills abills;
    private int port;
    private String firstApiKey;

    /**
     * @param extraChannels channels besides the built-in ones (tests plug scripted channels in here; a channel with a
     *                      built-in's name replaces it)
     */
    public HeraldServer(HeraldConfig config, Clock clock, List<Channel> extraChannels) {
        this.config = config;
        this.clock = clock;
        this.extraChannels = List.copyOf(extraChannels);
    }

    public HeraldServer(HeraldConfig config) {
        this(config, Clock.systemUTC(), List.of());
    }

    public HeraldServer start() {
        long t0 = System.nanoTime();
        FirstStart.dataDir(config);
        String node = NodeId.of(config.queue());
        database = new Database(config.jdbcUrl(), config.db().user(), config.db().password(), config.db().poolSize());
        started.add(database);
        database.migrate();

        PrometheusMeterRegistry metrics = ServerMetrics.registry(node);

        WebhookOutbox outbox = new WebhookOutbox(config.webhooks().stream()
                .map(w -> new WebhookOutbox.Target(w.url(), w.events())).toList(), clock);
        NotificationStore notifications = new NotificationStore(database, outbox);
        DeliveryStore deliveries = new DeliveryStore(database, outbox, clock);
        RecipientStore recipients = new RecipientStore(database, clock);
        InboxStore inbox = new InboxStore(database, clock);
        ApiKeyStore apiKeyStore = new ApiKeyStore(database, clock);

        Hub hub = new Hub(config.hub().maxConnectionsPerRecipient(), config.hub().maxConnectionsPerIp());
        this.hub = hub;
        Bus bus = joinBus(node, hub, metrics);
        Presence presence = cluster != null ? cluster.presence() : hub;

        Map<String, Channel> channelsByName = new LinkedHashMap<>();
        int writers = database.dialect() == org.herald.store.Dialect.H2 ? 1 : GROUP_COMMIT_WRITERS;
        GroupCommit<InboxStore.NewItem> inboxWriter = new GroupCommit<>("inbox", writers, inbox::addAll, inbox::add);
        started.add(inboxWriter);
        channelsByName.put(InboxChannel.NAME, new InboxChannel(inboxWriter));
        channelsByName.put(BrowserChannel.NAME, new BrowserChannel(bus));
        GatewayRegistry gateways = new GatewayRegistry(config.gateways(),
                Durations.parse(config.queue().attemptTimeout()).dividedBy(2), clock);
        this.gateways = gateways;
        TemplateFiles templateFiles = new TemplateFiles(config.templatesPath());
        FileTemplates templates = new FileTemplates(templateFiles, config.templates().defaultLang(), config.templates().macros());
        RecipientContent content = new RecipientContent(templates, config.templates().defaultLang());
        for (GatewayChannel c : GatewayChannel.all(config.gateways(), gateways, recipients, content)) channelsByName.put(c.name(), c);
        WebPush webPush = config.webpush().enabled() ? webPush(database) : null;
        if (webPush != null) channelsByName.put(WebPushChannel.NAME, webPush.channel());
        for (Channel c : extraChannels) channelsByName.put(c.name(), c);
        ChannelRegistry channels = new ChannelRegistry(List.copyOf(channelsByName.values()));

        QueueSettings queue = QueueSettings.from(config.queue(), node);
        dispatcher = new Dispatcher(deliveries, channels, queue, clock, metrics);
        sweeper = new Sweeper(deliveries, queue, dispatcher::wake);

        var acceptedCounter = metrics.counter("herald_notifications_accepted_total");
        GroupCommit<NotificationStore.NewNotification> acceptWriter = new GroupCommit<>("accept", writers,
                notifications::insertAll, notifications::insert);
        started.add(acceptWriter);
        var subscriptionReads = new org.herald.store.GroupRead<>("subscriptions",
                database.dialect() == org.herald.store.Dialect.H2 ? 0 : 2, recipients::subscriptionsOf);
        started.add(subscriptionReads);
        NotificationService service = new NotificationService(notifications, acceptWriter, recipients, subscriptionReads, channels,
                templates,
                config.notifications().defaultChannels(), clock, dueNow -> {
                    acceptedCounter.increment();
                    if (dueNow) dispatcher.wake();
                });
        CommandStore commandStore = new CommandStore(database, clock);
        CommandRunner commands = new CommandRunner(config.commands(), commandStore,
                new ResultNotifier(service, commandStore, Durations.parse(config.notifications().defaultTtl())), clock);
        var parser = new NotificationRequestParser(config.notifications().maxRecipients(),
                config.notifications().maxContentBytes(), Durations.parse(config.notifications().defaultTtl()), channels.knownNames());

        ClientTokens tokens = new ClientTokens(FirstStart.clientSecret(config), clock);
        ApiKeys apiKeys = new ApiKeys(config.auth().apiKeys(), apiKeyStore);
        firstApiKey = FirstStart.firstApiKey(config, apiKeyStore);

        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        started.add(blocking::shutdown);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        started.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        ApiServices api = new ApiServices(service, parser, notifications, deliveries, recipients, inbox, tokens,
                Durations.parse(config.auth().maxTokenTtl()), Durations.parse(config.notifications().defaultTtl()),
                dispatcher::wake, database::isReachable, metrics, config.auth().metricsPublic(), clock);
        List<HttpApi.RouteModule> routes = new ArrayList<>(api.routes());
        routes.add(new PresenceRoutes(presence)::mount);
        routes.add(new ClusterRoutes(node, cluster, hub::size)::mount);
        routes.add(new TopicRoutes(bus)::mount);
        routes.add(new StaticRoutes()::mount);
        routes.add(new CommandRoutes(commands, commandStore)::mount);
        routes.add(new TemplateRoutes(templateFiles)::mount);
        routes.add(new GatewayRoutes(gateways)::mount);
        IncomingStore incoming = new IncomingStore(database, outbox, new IncomingNotifier(service, config.incoming().notifyRecipients(),
                config.incoming().notifyChannels(), Durations.parse(config.notifications().defaultTtl())));
        routes.add(new IncomingRoutes(incoming)::mount);
        mailboxes = new Mailboxes(config.gateways(), incoming, clock);
        started.add(mailboxes);
        GatewayMessageStore gatewayMessages = new GatewayMessageStore(database, clock);
        GroupCommit<GatewayMessageStore.Sent> gatewayMessageWriter = new GroupCommit<>("gateway-messages", writers,
                gatewayMessages::rememberAll, sent -> gatewayMessages.rememberAll(List.of(sent)));
        started.add(gatewayMessageWriter);
        gateways.start(new GatewayFactory(new StoredGatewayEvents(gatewayMessages, gatewayMessageWriter::insert, deliveries, incoming,
                clock)));
        started.add(gateways::close);
        if (config.blf().enabled()) {
            // In a cluster every node mirrors the BLF state (BlfReplication) and serves its own panels from it.
            telephony = new Telephony(config.blf(), cluster != null ? new LocalBus(hub) : bus, snapshots, clock);
            started.add(telephony);
        }
        routes.add(new BlfRoutes(telephony == null ? null : telephony.state())::mount);
        routes.add(new ConsoleRoutes(deliveries, hub, telephony != null)::mount);
        if (webPush != null) {
            routes.add(new PushRoutes(webPush.keys(), webPush.endpoints(), webPush.subscriptions(), webPush.messages(),
                    deliveries, new PushContactSecrets(FirstStart.clientSecret(config)),
                    config.webpush().maxSubscriptionsPerRecipient())::mount);
        }
        HttpApi http = new HttpApi(vertx, new Handlers(blocking), new Auth(apiKeys, tokens, blocking),
                config.http().maxBodyBytes(), metrics, routes);
        HubSettings hubSettings = HubSettings.from(config.hub());
        WebSocketEndpoint ws = new WebSocketEndpoint(vertx, hub, tokens, new BrowserStore(database, outbox, clock), deliveries,
                snapshots, hubSettings, config.hub().compression(), blocking, clock);
        http.configure(router -> router.get(WebSocketEndpoint.PATH).handler(ws.plainHttp()));
        http.webSocketUpgrades(WebSocketEndpoint.PATH, ws.upgrades());

        started.add(ServerMetrics.queueDepth(metrics, deliveries));
        dispatcher.start();
        started.add(dispatcher);
        sweeper.start();
        started.add(sweeper);
        if (webPush != null) {
            webPush.cleanup().start(Durations.parse(config.webpush().cleanupInterval()));
            started.add(webPush.cleanup());
        }
        var webhooks = WebhookStartup.start(config, database, node, clock);
        if (webhooks != null) started.add(webhooks);
        started.add(commands); // stops after the listener, before the queue: a killed run is still recorded and told
        if (config.abills().enabled()) {
            abills = Abills.start(config.abills(), new Abills.Parts(vertx, hub, service, commands,
                    new BrowserStore(database, outbox, clock), deliveries, blocking,
                    Durations.parse(config.notifications().defaultTtl()), hubSettings.pingInterval(), clock));
            started.add(abills);
        }
        port = http.start(config.http().host(), config.http().port());
        if (telephony != null) {
            AutoCloseable leadership = TelephonyStartup.start(telephony, database, cluster, node,
                    Durations.parse(config.cluster().leaderLease()), clock);
            if (leadership != null) started.add(leadership);
        }
        started.add(http);
        started.add(ws);
        log.info("Herald ready on port {} in {} ms (node {}, database {}, transport {})", port, (System.nanoTime() - t0) / 1_000_000,
                node, database.dialect().name().toLowerCase(), vertx.isNativeTransportEnabled() ? "epoll" : "nio");
        return this;
    }

    /**
     * The bus of this node: the local one, or with {@code cluster.redis} the cluster's (then {@link #cluster} is set).
     * Presence events ({@code presence} topic) go through it: per node alone, or once per cluster.
     */
    private Bus joinBus(String node, Hub hub, PrometheusMeterRegistry metrics) {
        AtomicReference<Bus> busOf = new AtomicReference<>();
        BiConsumer<RecipientId, Boolean> presenceEvents = (recipient, online) -> busOf.get().toTopic(PRESENCE_TOPIC,
                Frames.event(PRESENCE_TOPIC, Map.of("recipient", recipient.toString(), "online", online)));
        metrics.gauge("herald_hub_connections", hub, Hub::size);
        if (config.cluster().enabled()) {
            cluster = ClusterNode.join(config.cluster(), node, hub, presenceEvents);
            started.add(cluster);
            metrics.gauge("herald_cluster_redis_up", cluster, c -> c.redisReachable() ? 1 : 0);
            busOf.set(cluster.bus());
        } else {
            busOf.set(new LocalBus(hub));
            hub.onPresenceChange(presenceEvents);
        }
        return busOf.get();
    }

    private WebPush webPush(Database database) {
        var w = config.webpush();
        if (WebPushConfig.DEFAULT_SUBJECT.equals(w.subject())) {
            log.warn("webpush.subject is not set: push services get the placeholder {} as the operator's contact, and "
                    + "some (Apple's) refuse it; set a real mailto: or https: address", w.subject());
        }
        WebPush push = WebPush.create(w, VapidKeyFile.load(config, log), database, clock);
        pushCleanup = push.cleanup();
        return push;
    }

    /** The Web Push clean-up job (null when Web Push is off); tests run it on demand. */
    public PushCleanup pushCleanup() {
        return pushCleanup;
    }


    public int port() {
        return port;
    }

    /** The API key created on first start (shown once), or null. */
    public String firstApiKey() {
        return firstApiKey;
    }

    public Hub hub() {
        return hub;
    }

    /** Where other parts (the BLF panel) register the snapshot a client gets when it subscribes to their topic. */
    public TopicSnapshots topicSnapshots() {
        return snapshots;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * SIGHUP with the configuration read again: new gateway settings take effect (an email channel that had no
     * gateway at start still needs a restart), then {@link #reload()}.
     */
    public void reload(HeraldConfig fresh) {
        gateways.replace(fresh.gateways());
        mailboxes.replace(fresh.gateways());
        log.info("reloaded: {} gateways, {} mailboxes read", fresh.gateways().size(), mailboxes.size());
        reload();
    }

    /** Reopens the log file and re-reads the BLF operators file (SIGHUP). Other settings need a restart. */
    public void reload() {
        Logging.apply(config.log());
        if (telephony != null) {
            try {
                telephony.reloadOperators(config.blf());
            } catch (RuntimeException e) {
                log.warn("reload: the BLF operators were not re-read: {}", e.getMessage());
            }
        }
        log.info("reloaded: log file reopened{}", telephony != null ? ", BLF operators re-read" : "");
    }

    public GatewayRegistry gateways() {
        return gateways;
    }

    /** ABillS compatibility's listeners, or null when it is off. */
    public Abills abills() {
        return abills;
    }

    /** The BLF panel's server side, or null when no PBX is configured. */
    public Telephony telephony() {
        return telephony;
    }

    public Sweeper sweeper() {
        return sweeper;
    }

    /** Graceful stop: the listener first, then the dispatcher (lets in-flight attempts finish), then the database. */
    @Override
    public void close() {
        boolean running = !started.isEmpty();
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", started.get(i), e.toString());
            }
        }
        started.clear();
        if (running) log.info("Herald stopped");
    }
}
