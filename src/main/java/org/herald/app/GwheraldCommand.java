package org.herald.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.herald.billmanager.ErrorDocument;
import org.herald.billmanager.GatewayModule;
import org.herald.billmanager.ModuleFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald gwherald}: a BILLmanager gateway module (see docs/billmanager.md). Exit status 0 when the command
 * succeeded, 1 when it printed an error document, 2 for a usage error.
 */
@Command(name = "gwherald", description = "Act as the BILLmanager gateway module gwherald: XML on stdin, XML on stdout.")
final class GwheraldCommand implements Callable<Integer> {
    static final int MAX_INPUT = 4 * 1024 * 1024;

    @Option(names = "--command", required = true, description = "features, formtune, check_connection or outgoing.")
    String command;

    @Option(names = "--gate", description = "The gateway's id in BILLmanager (accepted, not used).")
    String gate;

    @Override
    public Integer call() {
        GatewayModule.Answer answer;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            byte[] input = GatewayModule.takesInput(command) ? read(System.in) : new byte[0];
            answer = new GatewayModule(http).run(command, input);
        } catch (ModuleFailure f) {
            answer = new GatewayModule.Answer(ErrorDocument.of(f), false);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println(answer.xml());
        return answer.ok() ? 0 : 1;
    }

    private static byte[] read(InputStream in) throws ModuleFailure {
        try {
            byte[] data = in.readNBytes(MAX_INPUT + 1);
            if (data.length > MAX_INPUT) throw new ModuleFailure("value", "input", "the input document is larger than " + MAX_INPUT + " bytes");
            return data;
        } catch (IOException e) {
            throw new ModuleFailure("xml", "input", "stdin could not be read: " + e.getMessage());
        }
    }
}
