package org.herald.store;

import org.herald.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbStorageTest implements StorageContract {
    private StoreFixture fixture;

    @BeforeAll
    void open() {
        fixture = new StoreFixture(TestDatabase.Kind.MARIADB);
    }

    @AfterAll
    void close() {
        fixture.close();
    }

    @Override
    public StoreFixture fixture() {
        return fixture;
    }
}
