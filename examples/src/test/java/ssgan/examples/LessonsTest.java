package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class LessonsTest {
    @Test
    void everyListedLessonExistsInOrderWithAMain() throws Exception {
        assertTrue(Lessons.ALL.size() >= 11);
        for (int i = 0; i < Lessons.ALL.size(); i++) {
            Lessons.Lesson lesson = Lessons.ALL.get(i);
            assertEquals(i + 1, lesson.number());
            assertTrue(lesson.className().startsWith(String.format("Lesson%02d", lesson.number())), lesson.className());
            Class<?> type = Class.forName("ssgan.examples." + lesson.className());
            assertTrue(Modifier.isStatic(type.getMethod("main", String[].class).getModifiers()), lesson.className());
        }
    }
}
