package org.herald.telephony.ami;

import org.asteriskjava.manager.event.ResponseEvent;

/** {@code Event: ExtensionStateListComplete}, the end of an ExtensionStateList; registered as a user event class. */
public final class ExtensionStateListCompleteEvent extends ResponseEvent {
    private static final long serialVersionUID = 1L;
    private String eventList;
    private Integer listItems;

    public ExtensionStateListCompleteEvent(Object source) {
        super(source);
    }

    public String getEventList() {
        return eventList;
    }

    public void setEventList(String eventList) {
        this.eventList = eventList;
    }

    public Integer getListItems() {
        return listItems;
    }

    public void setListItems(Integer listItems) {
        this.listItems = listItems;
    }
}
