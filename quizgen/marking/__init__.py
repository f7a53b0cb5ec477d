"""Marking: read the students' answers however they came back, score them, report.

``quizgen mark MANIFEST ANSWERS…`` reads a build's manifest (never the
bank) and the answers, one reader per way they come back:

- ``response_file``: the response files the interactive worksheet page saves
  and the filled PDF forms, both read by quizgen.responses;
- ``marks_sheet``: the marks sheet a teacher fills from paper answer sheets;
- ``moodle``: Moodle's quiz Responses report, with its Grades report;
- ``canvas``: Canvas Classic Quizzes' Student Analysis report;
- ``rubric_sheet``: the teacher's marks for open answers.

Every reader returns ``Submission`` values (``answers``): one student's
answers by position, in the forms ``quizgen.scoring`` takes. ``results``
scores them and works out the class's figures, ``reports`` writes the CSV
files, the class report and the feedback sheets, and ``run`` puts it
together: everything is read and checked before anything is written.
"""
