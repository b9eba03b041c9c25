package dev.facesweep.coordinator.review;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesTheFiveSpecialCharacters() {
        assertThat(Html.escape("<script>alert(\"x\")</script> & 'y'"))
                .isEqualTo("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    }

    @Test
    void leavesOtherTextAloneAndNullEmpty() {
        assertThat(Html.escape("faceset_001/faces/é 1.png")).isEqualTo("faceset_001/faces/é 1.png");
        assertThat(Html.escape(null)).isEmpty();
        assertThat(Html.escape("&amp;")).isEqualTo("&amp;amp;");
    }
}
