package org.herald.app;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.herald.config.HeraldConfig;
import org.herald.core.Durations;
import org.herald.core.RecipientId;
import org.herald.auth.ClientTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "token", description = "Mint a client token (JWT) for a recipient with this server's client secret.")
final class TokenCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = {"-r", "--recipient"}, required = true, description = "Recipient kind:id.")
    String recipient;

    @Option(names = "--ttl", defaultValue = "12h", description = "Lifetime (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--topic", description = "Topic the token may subscribe to (repeatable), e.g. blf.")
    List<String> topics;

    @Override
    public Integer call() {
        HeraldConfig cfg = config.load();
        ClientTokens tokens = new ClientTokens(FirstStart.clientSecret(cfg), Clock.systemUTC());
        System.out.println(tokens.mint(RecipientId.parse(recipient), Durations.parse(ttl), topics == null ? List.of() : topics));
        return 0;
    }
}
