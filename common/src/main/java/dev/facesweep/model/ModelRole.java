package dev.facesweep.model;

/** The two networks of a CLIP bundle, named as their folders in the bundle. */
public enum ModelRole {
    VISUAL("visual"),
    TEXTUAL("textual");

    private final String folder;

    ModelRole(String folder) {
        this.folder = folder;
    }

    /** Folder of this model in the bundle, also used in messages ("visual", "textual"). */
    public String folder() {
        return folder;
    }

    @Override
    public String toString() {
        return folder;
    }
}
