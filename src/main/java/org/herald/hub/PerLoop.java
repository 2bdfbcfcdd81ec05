package org.herald.hub;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Function;

/** One object per event loop, made on first use on that loop and used only there (no locks). */
final class PerLoop<T> {
    private final FastThreadLocal<T> ofThisThread = new FastThreadLocal<>();
    private final Function<EventExecutor, T> make;

    PerLoop(Function<EventExecutor, T> make) {
        this.make = make;
    }

    /** The object of the loop this is called on. */
    T get(EventExecutor loop) {
        T t = ofThisThread.get();
        if (t == null) {
            t = make.apply(loop);
            ofThisThread.set(t);
        }
        return t;
    }
}
