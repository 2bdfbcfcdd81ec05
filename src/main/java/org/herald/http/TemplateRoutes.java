package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.herald.template.FileTemplates;
import org.herald.template.TemplateFiles;

/**
 * Templates over the API (server key): list, read, write (checked: a file that does not compile is refused with its
 * line), delete. {@code /api/v1/templates/{name}/{lang}/{file}}, file e.g. {@code text.mustache}, {@code subject.mustache},
 * {@code html.mustache}, {@code text.xsl}.
 */
public final class TemplateRoutes {
    static final int MAX_TEMPLATE_BYTES = 256 * 1024;
    private final TemplateFiles files;

    public TemplateRoutes(TemplateFiles files) {
        this.files = files;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        String one = "/api/v1/templates/:name/:lang/:file";
        router.get("/api/v1/templates").handler(auth.serverKey()).handler(h.blocking(ctx -> Reply.ok(Map.of("templates", files.list()))));
        router.get(one).handler(auth.serverKey()).handler(h.blocking(this::read));
        router.put(one).handler(auth.serverKey()).handler(h.blocking(this::write));
        router.delete(one).handler(auth.serverKey()).handler(h.blocking(this::delete));
    }

    private Reply read(RoutingContext ctx) {
        var p = files.path(ctx.pathParam("name"), ctx.pathParam("lang"), ctx.pathParam("file"));
        if (!java.nio.file.Files.isRegularFile(p)) throw ApiException.notFound("template file " + ctx.pathParam("file"));
        return Reply.text("text/plain; charset=utf-8", files.read(p));
    }

    private Reply write(RoutingContext ctx) {
        String name = ctx.pathParam("name"), lang = ctx.pathParam("lang"), file = ctx.pathParam("file");
        files.path(name, lang, file); // checks the three before anything is read
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) throw ApiException.badRequest("missing_field", "body", "the template source is the request body");
        if (body.length() > MAX_TEMPLATE_BYTES) throw ApiException.badRequest("invalid_field", "body", "a template is at most 256 KiB");
        String source = body.toString(StandardCharsets.UTF_8);
        FileTemplates.check("template '" + name + "' (" + lang + ") " + file, file, source);
        boolean existed = java.nio.file.Files.isRegularFile(files.path(name, lang, file));
        files.write(name, lang, file, source);
        return Reply.status(existed ? 200 : 201, Map.of("name", name, "lang", lang, "file", file));
    }

    private Reply delete(RoutingContext ctx) {
        if (!files.delete(ctx.pathParam("name"), ctx.pathParam("lang"), ctx.pathParam("file"))) {
            throw ApiException.notFound("template file " + ctx.pathParam("file"));
        }
        return Reply.noContent();
    }
}
